#!/usr/bin/env python3
"""Calls a running scorer over every protocol it speaks and checks the answers agree.

  REST v1   POST /v1/score, one JSON event per call
  REST V2   the Open Inference Protocol over HTTP/JSON (/v2/...)
  gRPC      the Open Inference Protocol over gRPC (inference.GRPCInferenceService)

The gRPC client is generated from the scorer's own .proto (protocol/src/main/proto/grpc_predict_v2.proto)
with grpc_tools, so nothing here is specific to scorestream but the field names of its reader schema.

  python3 examples/clients/v2_client.py --http http://127.0.0.1:8080 --grpc 127.0.0.1:8001

Needs python3-grpcio and python3-grpc-tools (Debian) or grpcio and grpcio-tools (pip). Exits 0 when every
check passed, 1 with the first failure otherwise.
"""

import argparse
import http.client
import json
import os
import random
import struct
import subprocess
import sys
import tempfile
import urllib.parse

import grpc

HERE = os.path.dirname(os.path.abspath(__file__))
PROTO_DIR = os.path.normpath(os.path.join(HERE, "..", "..", "protocol", "src", "main", "proto"))
TOLERANCE = 1e-12


def generate_stubs():
    """Generates grpc_predict_v2_pb2(_grpc).py from the .proto into a temporary directory."""
    out = tempfile.mkdtemp(prefix="oip-v2-")
    subprocess.run(
        [sys.executable, "-m", "grpc_tools.protoc", "-I", PROTO_DIR,
         "--python_out=" + out, "--grpc_python_out=" + out, "grpc_predict_v2.proto"],
        check=True)
    sys.path.insert(0, out)
    import grpc_predict_v2_pb2 as pb
    import grpc_predict_v2_pb2_grpc as pb_grpc
    return pb, pb_grpc


def payments(count, seed=7):
    """Valid payment events of the demo's reader schema."""
    rnd = random.Random(seed)
    events = []
    for i in range(count):
        events.append({
            "event_id": "client-%d" % i,
            "customer_id": "c-%d" % rnd.randrange(1000),
            "amount": round(rnd.uniform(1, 5000), 2),
            "currency": rnd.choice(["EUR", "USD", "GBP", "CHF"]),
            "country": rnd.choice(["DE", "FR", "US", "GB", "NL"]),
            "merchant_category": rnd.choice(["grocery", "electronics", "travel", "gaming", "fuel"]),
            "channel": rnd.choice(["POS", "ECOM", "ATM", "MOTO"]),
            "card_present": rnd.random() < 0.5,
            "hour_of_day": rnd.randrange(24),
            "account_age_days": rnd.randrange(3000),
            "event_time": 1764000000000 + i * 1000,
        })
    return events


class Http:
    def __init__(self, base):
        url = urllib.parse.urlparse(base)
        self.host, self.port = url.hostname, url.port

    def call(self, method, path, body=None):
        connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
        headers = {"Content-Type": "application/json"} if body is not None else {}
        connection.request(method, path, None if body is None else json.dumps(body), headers)
        response = connection.getresponse()
        payload = response.read().decode("utf-8")
        connection.close()
        return response.status, (json.loads(payload) if payload else None)


def check(condition, message):
    if not condition:
        print("FAIL: " + message)
        sys.exit(1)


# The V2 datatype of each field, as GET /v2/models/{name} lists the inputs.
def columns(events, inputs):
    """One V2 input per field: element i of every input is row i."""
    tensors = []
    for spec in inputs:
        values = [event[spec["name"]] for event in events]
        tensors.append({"name": spec["name"], "datatype": spec["datatype"], "shape": [len(events)],
                        "data": values})
    return tensors


def typed_input(pb, tensor):
    contents = pb.InferTensorContents()
    datatype, data = tensor["datatype"], tensor["data"]
    if datatype == "BYTES":
        contents.bytes_contents.extend(value.encode("utf-8") for value in data)
    elif datatype == "FP64":
        contents.fp64_contents.extend(data)
    elif datatype == "INT32":
        contents.int_contents.extend(data)
    elif datatype == "INT64":
        contents.int64_contents.extend(data)
    elif datatype == "BOOL":
        contents.bool_contents.extend(data)
    return pb.ModelInferRequest.InferInputTensor(
        name=tensor["name"], datatype=datatype, shape=tensor["shape"], contents=contents)


def raw_bytes(tensor):
    """A tensor's elements as raw_input_contents: little-endian, BYTES each after a 4-byte length."""
    datatype, data = tensor["datatype"], tensor["data"]
    if datatype == "BYTES":
        return b"".join(struct.pack("<I", len(v.encode("utf-8"))) + v.encode("utf-8") for v in data)
    code = {"FP64": "d", "INT32": "i", "INT64": "q", "BOOL": "?"}[datatype]
    return struct.pack("<%d%s" % (len(data), code), *data)


def output(response, name):
    for index, tensor in enumerate(response.outputs):
        if tensor.name == name:
            return index, tensor
    raise KeyError(name)


def raw_strings(raw):
    values, offset = [], 0
    while offset < len(raw):
        (length,) = struct.unpack_from("<I", raw, offset)
        values.append(raw[offset + 4:offset + 4 + length].decode("utf-8"))
        offset += 4 + length
    return values


def compare(where, v1_answers, labels, label_order, scores):
    """Checks labels and scores of one protocol against /v1/score's answers, row by row."""
    check(len(labels) == len(v1_answers), "%s: %d rows for %d events" % (where, len(labels), len(v1_answers)))
    width = len(label_order)
    for row, answer in enumerate(v1_answers):
        check(labels[row] == answer["predicted_label"],
              "%s row %d: label %s, /v1/score says %s" % (where, row, labels[row], answer["predicted_label"]))
        for column, label in enumerate(label_order):
            got, want = scores[row * width + column], answer["scores"][label]
            check(abs(got - want) <= TOLERANCE,
                  "%s row %d score %s: %r, /v1/score says %r" % (where, row, label, got, want))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--http", required=True, help="base URL of the REST server, http://HOST:PORT")
    parser.add_argument("--grpc", required=True, help="HOST:PORT of the gRPC server")
    parser.add_argument("--events", type=int, default=64)
    args = parser.parse_args()

    pb, pb_grpc = generate_stubs()
    rest = Http(args.http)
    events = payments(args.events)

    # REST V2: health, server and model metadata.
    check(rest.call("GET", "/v2/health/live") == (200, {"live": True}), "GET /v2/health/live")
    check(rest.call("GET", "/v2/health/ready") == (200, {"ready": True}), "GET /v2/health/ready")
    status, server = rest.call("GET", "/v2")
    check(status == 200 and server["name"] == "scorestream", "GET /v2: %s" % server)
    status, info = rest.call("GET", "/v1/model")
    name, version = info["champion"]["name"], info["champion"]["version"]
    status, model = rest.call("GET", "/v2/models/%s" % name)
    check(status == 200 and version in model["versions"], "GET /v2/models/%s: %s" % (name, model))
    status, same = rest.call("GET", "/v2/models/%s/versions/%s" % (name, version))
    check(status == 200 and same["inputs"] == model["inputs"], "GET .../versions/%s" % version)
    check(rest.call("GET", "/v2/models/%s/versions/%s/ready" % (name, version))[0] == 200, "model ready")
    status, missing = rest.call("GET", "/v2/models/no-such-model")
    check(status == 404 and "error" in missing, "unknown model: %d %s" % (status, missing))
    inputs = model["inputs"]
    print("REST V2: health, server metadata, model %s %s with %d inputs" % (name, version, len(inputs)))

    # REST v1: one event per call, the reference.
    v1_answers = []
    for event in events:
        status, answer = rest.call("POST", "/v1/score", event)
        check(status == 200, "/v1/score: %d %s" % (status, answer))
        v1_answers.append(answer)

    # REST V2 infer: all events in one request.
    status, answer = rest.call("POST", "/v2/models/%s/infer" % name,
                               {"id": "rest-batch", "inputs": columns(events, inputs)})
    check(status == 200, "POST /v2/models/%s/infer: %d %s" % (name, status, answer))
    check(answer["id"] == "rest-batch" and answer["model_version"] == version, "infer id and version")
    outputs = {tensor["name"]: tensor for tensor in answer["outputs"]}
    order = json.loads(outputs["scores"]["parameters"]["labels"])
    check(outputs["scores"]["shape"] == [len(events), len(order)], "scores shape")
    compare("REST V2", v1_answers, outputs["predicted_label"]["data"], order, outputs["scores"]["data"])
    print("REST V2 infer: %d rows equal /v1/score within %g" % (len(events), TOLERANCE))

    # REST V2 bad rows: the request fails as a whole and names each row and rule.
    bad = [dict(event) for event in events[:5]]
    bad[1]["amount"] = 250000.0
    bad[3]["hour_of_day"] = 31
    status, error = rest.call("POST", "/v2/models/%s/infer" % name, {"inputs": columns(bad, inputs)})
    check(status == 400, "bad rows: status %d" % status)
    check([row["row"] for row in error["rows"]] == [1, 3], "bad rows named: %s" % error)
    check(error["rows"][0]["rules"] == ["amount.max"] and error["rows"][1]["rules"] == ["hour_of_day.max"],
          "bad rows' rules: %s" % error["rows"])
    check("failed as a whole" in error["error"], "bad rows message: %s" % error["error"])
    print("REST V2 bad rows: 400 naming rows 1 (amount.max) and 3 (hour_of_day.max)")

    # gRPC: every RPC of inference.GRPCInferenceService.
    channel = grpc.insecure_channel(args.grpc)
    stub = pb_grpc.GRPCInferenceServiceStub(channel)
    check(stub.ServerLive(pb.ServerLiveRequest(), timeout=10).live, "ServerLive")
    check(stub.ServerReady(pb.ServerReadyRequest(), timeout=10).ready, "ServerReady")
    check(stub.ModelReady(pb.ModelReadyRequest(name=name, version=version), timeout=10).ready, "ModelReady")
    metadata = stub.ServerMetadata(pb.ServerMetadataRequest(), timeout=10)
    check(metadata.name == "scorestream", "ServerMetadata: %s" % metadata)
    described = stub.ModelMetadata(pb.ModelMetadataRequest(name=name), timeout=10)
    check([(t.name, t.datatype) for t in described.inputs] == [(t["name"], t["datatype"]) for t in inputs],
          "ModelMetadata inputs")
    check([t.name for t in described.outputs] == ["predicted_label", "scores", "model_version"],
          "ModelMetadata outputs")
    print("gRPC: ServerLive, ServerReady, ModelReady, ServerMetadata, ModelMetadata")

    tensors = columns(events, inputs)
    typed = stub.ModelInfer(pb.ModelInferRequest(
        model_name=name, id="grpc-typed", inputs=[typed_input(pb, t) for t in tensors]), timeout=30)
    _, labels = output(typed, "predicted_label")
    _, scores = output(typed, "scores")
    order = json.loads(scores.parameters["labels"].string_param)
    check(typed.id == "grpc-typed" and list(scores.shape) == [len(events), len(order)], "typed shapes")
    compare("gRPC typed", v1_answers, [b.decode("utf-8") for b in labels.contents.bytes_contents], order,
            list(scores.contents.fp64_contents))
    print("gRPC ModelInfer (typed contents): %d rows equal /v1/score within %g" % (len(events), TOLERANCE))

    raw = stub.ModelInfer(pb.ModelInferRequest(
        model_name=name, model_version=version,
        inputs=[pb.ModelInferRequest.InferInputTensor(name=t["name"], datatype=t["datatype"], shape=t["shape"])
                for t in tensors],
        raw_input_contents=[raw_bytes(t) for t in tensors]), timeout=30)
    label_index, _ = output(raw, "predicted_label")
    score_index, _ = output(raw, "scores")
    raw_scores = raw.raw_output_contents[score_index]
    compare("gRPC raw", v1_answers, raw_strings(raw.raw_output_contents[label_index]), order,
            list(struct.unpack("<%dd" % (len(raw_scores) // 8), raw_scores)))
    print("gRPC ModelInfer (raw_input_contents): %d rows equal /v1/score within %g" % (len(events), TOLERANCE))

    try:
        stub.ModelInfer(pb.ModelInferRequest(
            model_name=name, inputs=[typed_input(pb, t) for t in columns(bad, inputs)]), timeout=30)
        check(False, "gRPC bad rows answered OK")
    except grpc.RpcError as e:
        check(e.code() == grpc.StatusCode.INVALID_ARGUMENT, "gRPC bad rows: %s" % e.code())
        check("row 1: RULE_VIOLATION [amount.max]" in e.details()
              and "row 3: RULE_VIOLATION [hour_of_day.max]" in e.details(), "gRPC bad rows: %s" % e.details())
    try:
        stub.ModelMetadata(pb.ModelMetadataRequest(name="no-such-model"), timeout=10)
        check(False, "gRPC unknown model answered OK")
    except grpc.RpcError as e:
        check(e.code() == grpc.StatusCode.NOT_FOUND, "gRPC unknown model: %s" % e.code())
    print("gRPC errors: INVALID_ARGUMENT naming rows 1 and 3, NOT_FOUND for an unknown model")
    print("OK: REST v1, REST V2 and gRPC agree")


if __name__ == "__main__":
    main()
