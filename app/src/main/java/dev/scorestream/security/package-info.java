/**
 * The scorer's security, checked at start-up so that a mistake stops it with a message naming the
 * setting, the permission or the resource rather than surfacing at the first record:
 *
 * <ul>
 *   <li>secrets: settings read from files (the Kubernetes Secret convention, {@code SCORER_X_FILE}
 *       and {@code <key>.file}), and which settings are secret, so that {@code scorer config}, logs
 *       and errors show them masked;
 *   <li>the registry: {@link dev.scorestream.security.RegistryAccess} turns the registry's
 *       credentials and TLS settings into client settings and refuses credentials over plain http
 *       unless explicitly allowed;
 *   <li>Kafka: the ACLs the scorer's principal needs, checked before any stream starts.
 * </ul>
 *
 * Secrets never appear in any message of this package.
 */
package dev.scorestream.security;
