/**
 * Models from the lab: {@code scorer import} wraps an XGBoost or ONNX model trained in a notebook
 * (Tribuo's external models) into a normal artifact, fed the columns of a feature spec, and refuses
 * it unless it reproduces the notebook's reference predictions within the parity tolerance.
 *
 * <p>Security: XGBoost and ONNX files are parsed by native code (xgboost4j, onnxruntime). Import
 * only files from a source you trust.
 */
package dev.scorestream.lab;
