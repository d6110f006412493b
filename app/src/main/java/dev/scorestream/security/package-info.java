/**
 * The scorer's security, checked at start-up so that a mistake stops it with a message naming the
 * setting, the permission or the resource rather than surfacing at the first record:
 *
 * <ul>
 *   <li>the registry: {@link dev.scorestream.security.RegistryAccess} turns the registry's
 *       credentials and TLS settings into client settings and refuses credentials over plain http
 *       unless explicitly allowed;
 *   <li>Kafka: the ACLs the scorer's principal needs, checked before any stream starts.
 * </ul>
 *
 * Secrets never appear in any message of this package. Settings read from files and the masking of
 * secret settings belong to loading the configuration: {@link dev.scorestream.config.SecretFiles}
 * and {@link dev.scorestream.config.SecretKeys}.
 */
package dev.scorestream.security;
