/**
 * The development build's own commands ({@code ./scorer demo}, {@code train --generated}): an
 * embedded broker and registry, a model trained on generated payments, and a producer of realistic
 * messy traffic whose expected outcome is known per record, so the demo can check conservation
 * (every input became exactly one prediction or dead letter) and the reasons.
 */
package dev.scorestream.demo;
