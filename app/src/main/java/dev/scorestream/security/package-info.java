/**
 * The scorer's security, checked at start-up so that a mistake stops it with a message naming the
 * setting, the permission or the resource rather than surfacing at the first record:
 *
 * <ul>
 *   <li>the scoring ports: bearer-token authentication for REST v1, REST V2 and gRPC ({@link
 *       dev.scorestream.security.BearerAuth}, from a file of static tokens or from JWTs checked
 *       against a JWKS file), TLS and mutual TLS from PEM files ({@link
 *       dev.scorestream.security.PemTls}), and files re-read when they change ({@link
 *       dev.scorestream.security.WatchedFile}), so tokens, keys and certificates rotate without a
 *       restart;
 *   <li>the registry: {@link dev.scorestream.security.RegistryAccess} turns the registry's
 *       credentials and TLS settings into client settings and refuses credentials over plain http
 *       unless explicitly allowed;
 *   <li>Kafka: the ACLs the scorer's principal needs ({@link
 *       dev.scorestream.security.PipelineAccess}), checked before any stream starts ({@link
 *       dev.scorestream.security.AclPreflight}), and authorization failures at run time reported in
 *       one line.
 * </ul>
 *
 * Secrets and tokens never appear in any message of this package. Settings read from files and the
 * masking of secret settings belong to loading the configuration: {@link
 * dev.scorestream.config.SecretFiles} and {@link dev.scorestream.config.SecretKeys}.
 */
package dev.scorestream.security;
