/**
 * Feedback: labels learned later, joined with the predictions they judge. Stored prediction
 * snapshots, the join's results, live performance partials (mergeable, like drift's) and the
 * PerformanceReport.
 */
package dev.scorestream.feedback;
