/**
 * Kafka authorization as the scorer meets it: what the pipeline needs of the broker ({@link
 * dev.scorestream.security.PipelineAccess}), a start-up check that the principal has it before a
 * stream starts ({@link dev.scorestream.security.AclPreflight}), and one line naming the missing
 * ACL wherever an authorization failure still shows up ({@link
 * dev.scorestream.security.AuthorizationFailures}).
 */
package dev.scorestream.security;
