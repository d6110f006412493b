/**
 * Securing the scoring ports: bearer-token authentication for REST v1, REST V2 and gRPC ({@link
 * dev.scorestream.security.BearerAuth}, from a file of static tokens or from JWTs checked against a
 * JWKS file), TLS and mutual TLS from PEM files ({@link dev.scorestream.security.PemTls}), and
 * files re-read when they change ({@link dev.scorestream.security.WatchedFile}), so tokens, keys
 * and certificates rotate without a restart. Tokens are never logged.
 */
package dev.scorestream.security;
