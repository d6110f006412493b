/**
 * The model artifact (a directory: Tribuo protobuf model, metadata, training baseline profile), how
 * it is trained, evaluated, loaded and checked, and the scorer that serves it.
 *
 * <p>Security: a Tribuo model file is deserialized code configuration. Load models only from
 * directories you trust (the configured {@code model.dir}); never from user-supplied paths.
 */
package dev.scorestream.model;
