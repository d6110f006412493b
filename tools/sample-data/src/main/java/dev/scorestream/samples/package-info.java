/**
 * The sample world of the bundled {@code PaymentEvent} contract, around the payments of {@code
 * dev.scorestream.payments}: evolved and incompatible writer schemas ({@link
 * dev.scorestream.samples.SampleSchemas}), a producer's schema changing step by step ({@link
 * dev.scorestream.samples.ProducerSchemas}), messy traffic that knows the outcome each record must
 * have ({@link dev.scorestream.samples.SampleTraffic}) and the check that every input came out
 * exactly once ({@link dev.scorestream.samples.ConservationCheck}). Used by tests, the demo and the
 * benchmark; never part of the production artifact.
 */
package dev.scorestream.samples;
