/**
 * Secrets: settings read from files (the Kubernetes Secret convention, {@code SCORER_X_FILE} and
 * {@code <key>.file}), and which settings are secret, so that {@code scorer config}, logs and
 * errors show them masked.
 */
package dev.scorestream.security;
