package dev.scorestream.lab;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.tribuo.Model;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.common.xgboost.XGBoostExternalModel;
import org.tribuo.interop.onnx.DenseTransformer;
import org.tribuo.interop.onnx.LabelTransformer;
import org.tribuo.interop.onnx.ONNXExternalModel;

/**
 * Models trained outside, wrapped as Tribuo models through Tribuo's external-model support: an
 * XGBoost booster (its JSON or UBJSON file) and an ONNX graph that maps a float matrix {@code [N,
 * columns]} to class probabilities {@code [N, labels]}. Column {@code i} of the matrix is the
 * feature named {@code columns.get(i)}; output {@code k} is {@code labels.get(k)}.
 */
public final class ExternalModels {

  /** Which library runs the model. */
  public enum Kind {
    XGBOOST,
    ONNX
  }

  private ExternalModels() {}

  public static Model<Label> load(Kind kind, Path file, List<String> columns, List<String> labels) {
    Map<String, Integer> features = new HashMap<>();
    for (int i = 0; i < columns.size(); i++) {
      features.put(columns.get(i), i);
    }
    LabelFactory factory = new LabelFactory();
    Map<Label, Integer> outputs = new HashMap<>();
    for (int k = 0; k < labels.size(); k++) {
      outputs.put(factory.generateOutput(labels.get(k)), k);
    }
    try {
      return switch (kind) {
        case XGBOOST ->
            XGBoostExternalModel.createXGBoostModel(
                factory, features, outputs, new BinaryXGBoostConverter(), file);
        case ONNX -> {
          try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            String input = onnxInput(file);
            yield ONNXExternalModel.createOnnxModel(
                factory,
                features,
                outputs,
                new DenseTransformer(),
                new LabelTransformer(),
                options,
                file,
                input);
          }
        }
      };
    } catch (OrtException e) {
      throw new IllegalArgumentException(
          "cannot load ONNX model " + file + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "cannot load "
              + kind.name().toLowerCase(java.util.Locale.ROOT)
              + " model "
              + file
              + ": "
              + e.getMessage(),
          e);
    }
  }

  /** The graph's only input; a graph with more than one is refused. */
  private static String onnxInput(Path file) throws OrtException {
    ai.onnxruntime.OrtEnvironment environment = ai.onnxruntime.OrtEnvironment.getEnvironment();
    try (OrtSession session = environment.createSession(file.toString())) {
      if (session.getNumInputs() != 1) {
        throw new IllegalArgumentException(
            "ONNX model "
                + file
                + " has inputs "
                + session.getInputNames()
                + "; scorestream feeds one float matrix [N, columns]");
      }
      return session.getInputNames().iterator().next();
    }
  }
}
