/**
 * The dead-letter contract: reason codes ({@link dev.scorestream.schemas.Reason}) and the headers a
 * dead letter carries ({@link dev.scorestream.deadletter.DeadLetterHeaders}). A dead letter is the
 * original record, key, value, headers and timestamp untouched, plus these headers.
 */
package dev.scorestream.deadletter;
