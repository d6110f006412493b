/**
 * The chaos suite ({@code ./scorer chaos}): scorer processes run through a seeded schedule of
 * faults while events and labels flow, then every invariant of the reliability contract is checked;
 * and the crash-recovery measurement. Development only: never in the production artifact.
 */
package dev.scorestream.chaos;
