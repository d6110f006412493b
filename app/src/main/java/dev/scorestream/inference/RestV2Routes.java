package dev.scorestream.inference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scorestream.http.ScorerHttpServer;
import dev.scorestream.http.ScorerHttpServer.ErrorStyle;
import dev.scorestream.http.ScorerHttpServer.Response;
import dev.scorestream.inference.InferenceException.Kind;
import dev.scorestream.inference.InferenceException.RowError;
import dev.scorestream.model.ScoreResult;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The Open Inference Protocol V2 over HTTP/JSON, below {@code /v2}:
 *
 * <ul>
 *   <li>{@code GET /v2}: server metadata; {@code GET /v2/health/live}, {@code /v2/health/ready};
 *   <li>{@code GET /v2/models/{name}[/versions/{version}]}: model metadata, {@code .../ready};
 *   <li>{@code POST /v2/models/{name}[/versions/{version}]/infer}.
 * </ul>
 *
 * Health and readiness answer 200 for true and 400 for false, as the protocol has it; errors are
 * {@code {"error": "..."}}, and rejected rows are listed in an extra {@code rows} array.
 */
public final class RestV2Routes {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final InferenceService service;
  private final String serverName;
  private final String serverVersion;
  private final InferenceListener listener;

  public RestV2Routes(
      InferenceService service,
      String serverName,
      String serverVersion,
      InferenceListener listener) {
    this.service = service;
    this.serverName = serverName;
    this.serverVersion = serverVersion;
    this.listener = listener;
  }

  /** Serves every {@code /v2} path on {@code http}. */
  public void register(ScorerHttpServer http) {
    http.routeTree("/v2", ErrorStyle.OPEN_INFERENCE, this::handle);
  }

  Response handle(String method, String path, String body) {
    try {
      return route(method, path, body);
    } catch (InferenceException e) {
      return error(e);
    } catch (MethodNotAllowed e) {
      return Response.json(405, JSON.createObjectNode().put("error", e.getMessage()));
    }
  }

  private Response route(String method, String path, String body) {
    String[] parts = path.substring(1).split("/", -1);
    // parts[0] is "v2"
    if (parts.length == 1) {
      requireGet(method, path);
      ObjectNode metadata = JSON.createObjectNode();
      metadata.put("name", serverName);
      metadata.put("version", serverVersion);
      metadata.putArray("extensions");
      return Response.json(200, metadata);
    }
    if (parts.length == 3 && parts[1].equals("health")) {
      requireGet(method, path);
      return switch (parts[2]) {
        case "live" -> Response.json(200, JSON.createObjectNode().put("live", service.live()));
        case "ready" -> {
          boolean ready = service.ready();
          yield Response.json(ready ? 200 : 400, JSON.createObjectNode().put("ready", ready));
        }
        default -> throw notFound(path);
      };
    }
    if (parts.length < 3 || !parts[1].equals("models") || parts[2].isEmpty()) {
      throw notFound(path);
    }
    String name = decode(parts[2]);
    String version = "";
    int next = 3;
    if (parts.length > 4 && parts[3].equals("versions") && !parts[4].isEmpty()) {
      version = decode(parts[4]);
      next = 5;
    }
    if (parts.length == next) {
      requireGet(method, path);
      return Response.json(200, metadata(service.metadata(name, version)));
    }
    if (parts.length == next + 1 && parts[next].equals("ready")) {
      requireGet(method, path);
      if (service.resolve(name, version).isEmpty()) {
        service.metadata(name, version); // throws NOT_FOUND naming what is served
      }
      boolean ready = service.modelReady(name, version);
      ObjectNode answer = JSON.createObjectNode().put("name", name).put("ready", ready);
      return Response.json(ready ? 200 : 400, answer);
    }
    if (parts.length == next + 1 && parts[next].equals("infer")) {
      if (!method.equals("POST")) {
        throw new MethodNotAllowed(path + " answers POST");
      }
      long started = System.nanoTime();
      InferResult result;
      try {
        result = service.infer(request(name, version, body), () -> false);
      } catch (InferenceException e) {
        listener.answered(
            InferenceListener.REST_V2,
            InferenceListener.outcome(e.kind()),
            0,
            System.nanoTime() - started);
        throw e;
      }
      Response response = Response.json(200, answer(result));
      listener.answered(
          InferenceListener.REST_V2,
          InferenceListener.OK,
          result.rows().size(),
          System.nanoTime() - started);
      return response;
    }
    throw notFound(path);
  }

  private static void requireGet(String method, String path) {
    if (!method.equals("GET")) {
      throw new MethodNotAllowed(path + " answers GET");
    }
  }

  /** 405: not a protocol failure kind, answered like one. */
  private static final class MethodNotAllowed extends RuntimeException {
    MethodNotAllowed(String message) {
      super(message);
    }
  }

  private static InferenceException notFound(String path) {
    return new InferenceException(Kind.NOT_FOUND, "no route " + path);
  }

  private static String decode(String segment) {
    return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  private static ObjectNode metadata(InferenceService.ModelInfo info) {
    ObjectNode node = JSON.createObjectNode();
    node.put("name", info.name());
    ArrayNode versions = node.putArray("versions");
    info.versions().forEach(versions::add);
    node.put("platform", info.platform());
    node.set("inputs", tensors(info.inputs()));
    ArrayNode outputs = tensors(info.outputs());
    for (JsonNode output : outputs) {
      if (output.get("name").asText().equals(InferenceService.SCORES)) {
        ((ObjectNode) output)
            .putObject("parameters")
            .put(InferenceService.LABELS_PARAMETER, labelsParameter(info.labels()));
      }
    }
    node.set("outputs", outputs);
    return node;
  }

  private static ArrayNode tensors(List<InferenceService.TensorSpec> specs) {
    ArrayNode array = JSON.createArrayNode();
    for (InferenceService.TensorSpec spec : specs) {
      ObjectNode tensor = array.addObject();
      tensor.put("name", spec.name());
      tensor.put("datatype", spec.datatype());
      ArrayNode shape = tensor.putArray("shape");
      spec.shape().forEach(shape::add);
    }
    return array;
  }

  /** The label order of the {@code scores} columns, as a JSON array in a string parameter. */
  static String labelsParameter(List<String> labels) {
    ArrayNode array = JSON.createArrayNode();
    labels.forEach(array::add);
    return array.toString();
  }

  private static InferRequest request(String name, String version, String body) {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (Exception e) {
      throw new InferenceException(Kind.INVALID_ARGUMENT, "the body is not valid JSON");
    }
    if (root == null || !root.isObject()) {
      throw new InferenceException(Kind.INVALID_ARGUMENT, "the body must be a JSON object");
    }
    JsonNode inputs = root.get("inputs");
    if (inputs == null || !inputs.isArray()) {
      throw new InferenceException(Kind.INVALID_ARGUMENT, "'inputs' must be an array of tensors");
    }
    List<InputTensor> tensors = new ArrayList<>();
    for (JsonNode input : inputs) {
      tensors.add(tensor(input));
    }
    List<String> outputs = new ArrayList<>();
    JsonNode requested = root.get("outputs");
    if (requested != null && requested.isArray()) {
      for (JsonNode output : requested) {
        outputs.add(text(output, "name", "outputs[]"));
      }
    }
    JsonNode id = root.get("id");
    return new InferRequest(
        name, version, id == null || id.isNull() ? "" : id.asText(), tensors, outputs);
  }

  private static InputTensor tensor(JsonNode input) {
    if (!input.isObject()) {
      throw new InferenceException(Kind.INVALID_ARGUMENT, "every input must be a JSON object");
    }
    String name = text(input, "name", "an input");
    String datatype = text(input, "datatype", "input '" + name + "'");
    JsonNode shapeNode = input.get("shape");
    if (shapeNode == null || !shapeNode.isArray()) {
      throw new InferenceException(
          Kind.INVALID_ARGUMENT, "input '" + name + "' needs a shape (array of integers)");
    }
    long[] shape = new long[shapeNode.size()];
    for (int i = 0; i < shape.length; i++) {
      if (!shapeNode.get(i).canConvertToLong() || !shapeNode.get(i).isIntegralNumber()) {
        throw new InferenceException(
            Kind.INVALID_ARGUMENT, "input '" + name + "' has a shape that is not integers");
      }
      shape[i] = shapeNode.get(i).asLong();
    }
    JsonNode data = input.get("data");
    if (data == null || !data.isArray()) {
      throw new InferenceException(
          Kind.INVALID_ARGUMENT,
          "input '" + name + "' needs data (an array, flat or nested in row-major order)");
    }
    List<JsonNode> flat = new ArrayList<>();
    flatten(data, flat);
    TensorCodec.checkDatatype(name, datatype);
    List<Object> values = new ArrayList<>(flat.size());
    for (int i = 0; i < flat.size(); i++) {
      values.add(TensorCodec.fromJson(name, datatype, i, flat.get(i)));
    }
    return new InputTensor(name, datatype, shape, values);
  }

  private static void flatten(JsonNode node, List<JsonNode> into) {
    for (JsonNode element : node) {
      if (element.isArray()) {
        flatten(element, into);
      } else {
        into.add(element);
      }
    }
  }

  private static String text(JsonNode node, String field, String where) {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual()) {
      throw new InferenceException(
          Kind.INVALID_ARGUMENT, where + " needs '" + field + "' (a string)");
    }
    return value.asText();
  }

  private static ObjectNode answer(InferResult result) {
    ObjectNode node = JSON.createObjectNode();
    node.put("model_name", result.modelName());
    node.put("model_version", result.modelVersion());
    if (!result.id().isEmpty()) {
      node.put("id", result.id());
    }
    ArrayNode outputs = node.putArray("outputs");
    int rows = result.rows().size();
    for (String output : result.outputs()) {
      ObjectNode tensor = outputs.addObject();
      tensor.put("name", output);
      switch (output) {
        case InferenceService.PREDICTED_LABEL -> {
          tensor.put("datatype", "BYTES");
          tensor.putArray("shape").add(rows);
          ArrayNode data = tensor.putArray("data");
          result.rows().forEach(row -> data.add(row.label()));
        }
        case InferenceService.SCORES -> {
          tensor.put("datatype", "FP64");
          tensor.putArray("shape").add(rows).add(result.labels().size());
          tensor
              .putObject("parameters")
              .put(InferenceService.LABELS_PARAMETER, labelsParameter(result.labels()));
          ArrayNode data = tensor.putArray("data");
          for (ScoreResult row : result.rows()) {
            for (String label : result.labels()) {
              data.add(row.scores().getOrDefault(label, 0.0));
            }
          }
        }
        default -> {
          tensor.put("datatype", "BYTES");
          tensor.putArray("shape").add(rows);
          ArrayNode data = tensor.putArray("data");
          for (int i = 0; i < rows; i++) {
            data.add(result.modelVersion());
          }
        }
      }
    }
    return node;
  }

  private static Response error(InferenceException e) {
    ObjectNode body = JSON.createObjectNode().put("error", e.getMessage());
    if (!e.rows().isEmpty()) {
      ArrayNode rows = body.putArray("rows");
      for (RowError row : e.rows()) {
        ObjectNode node = rows.addObject();
        node.put("row", row.row());
        node.put("reason", row.reason());
        ArrayNode rules = node.putArray("rules");
        row.rules().forEach(rules::add);
        node.put("message", row.message());
      }
    }
    return Response.json(e.kind().httpStatus(), body);
  }
}
