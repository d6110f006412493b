/**
 * The Open Inference Protocol V2 (KServe V2): one protocol-neutral core ({@link
 * dev.scorestream.inference.InferenceService}) that turns named columns into records of the reader
 * schema and scores them through the same path as the stream, with its REST binding ({@link
 * dev.scorestream.inference.RestV2Routes}) and its gRPC binding ({@link
 * dev.scorestream.inference.GrpcInferenceServer}).
 */
package dev.scorestream.inference;
