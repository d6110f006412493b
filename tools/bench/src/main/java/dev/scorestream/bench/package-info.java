/**
 * The benchmark harness ({@code ./scorer bench}): the default pipeline, its variants and a
 * passthrough measured on one broker with the same records, latency at fixed rates, serving, and
 * scoring cost by JMH, with targets and a JSON result per run. Development only.
 */
package dev.scorestream.bench;
