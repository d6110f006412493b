/**
 * The model artifact (a directory: Tribuo protobuf model, metadata, training baseline profile): how
 * it is loaded, checked and published in a models directory, hot-swapped without a restart, and the
 * scorer that serves it. Making one is the training module's work.
 *
 * <p>Security: a Tribuo model file is deserialized code configuration. Load models only from
 * directories you trust (the configured {@code model.dir}); never from user-supplied paths.
 */
package dev.scorestream.model;
