/**
 * Sample card payments on the bundled {@code PaymentEvent} contract, for a first try of the
 * pipeline without data of one's own: payments with a known ground truth ({@link
 * dev.scorestream.payments.PaymentGenerator}), the ways an event can be malformed that the pipeline
 * dead-letters ({@link dev.scorestream.payments.Malformation}), both as a producer writes them
 * ({@link dev.scorestream.payments.SampleEvents}), and labelled rows as the CSV files {@code scorer
 * train} reads ({@link dev.scorestream.payments.LabelledCsv}). {@code scorer sample} writes them;
 * tests, the demo and the benchmark draw on them too.
 */
package dev.scorestream.payments;
