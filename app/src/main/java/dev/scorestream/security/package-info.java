/**
 * Security settings of the scorer's connections, checked at start-up so a mistake stops the scorer
 * with a message naming the setting rather than surfacing at the first record: {@link
 * dev.scorestream.security.RegistryAccess} turns the registry's credentials and TLS settings (from
 * {@code schema.registry.*} keys or the tools' options) into client settings and refuses
 * credentials over plain http unless explicitly allowed. Secrets never appear in its messages.
 */
package dev.scorestream.security;
