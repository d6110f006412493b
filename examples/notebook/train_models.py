#!/usr/bin/env python3
"""The lab side: train models on the matrix `scorer export` wrote, for `scorer import`.

  scorer export --from payments.csv --features features.json --out matrix.csv
  python3 examples/notebook/train_models.py --data matrix.csv --out lab/
  scorer import --xgboost lab/xgboost.json --features features.json \
      --reference lab/xgboost-reference.csv --name fraud --out models/fraud-xgb

Writes into --out:
  xgboost.json              an XGBoost classifier (100 trees, depth 6), the booster's JSON format
  xgboost-reference.csv     the matrix's rows with the notebook's answer: prediction, score_<label>
  logistic.onnx             a scikit-learn logistic regression as an ONNX graph (built with onnx.helper
                            from the fitted coefficients; the standardization is folded into them)
  logistic-reference.csv    the same for it

Score columns come in class-index order: the model's output k is score_<label k>. Labels are sorted.
Needs numpy, xgboost and scikit-learn (Debian: python3-xgboost, python3-sklearn), and onnx for the ONNX
model (python3-onnx): without it the XGBoost model is still written, then the script stops with a message.
"""

import argparse
import csv
import os

import numpy as np
import xgboost
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler


def read_matrix(path):
    """The export: event_id, the feature columns, label."""
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    if header[0] != "event_id" or header[-1] != "label":
        raise SystemExit("%s: expected the columns event_id, ..., label of `scorer export`" % path)
    columns = header[1:-1]
    ids = [row[0] for row in body]
    x = np.array([[float(v) for v in row[1:-1]] for row in body], dtype=np.float64)
    labels = [row[-1] for row in body]
    return columns, ids, x, labels


def write_reference(path, columns, ids, x, labels, classes, probabilities):
    """The rows as exported, plus the notebook's prediction and the score of every class."""
    with open(path, "w", newline="") as f:
        out = csv.writer(f)
        out.writerow(["event_id"] + columns + ["label", "prediction"] + ["score_" + c for c in classes])
        for i, row in enumerate(x):
            scores = probabilities[i]
            out.writerow([ids[i]] + [repr(float(v)) for v in row] + [labels[i], classes[int(np.argmax(scores))]]
                         + [repr(float(s)) for s in scores])


def train_xgboost(x, y, seed):
    model = xgboost.XGBClassifier(n_estimators=100, max_depth=6, learning_rate=0.1, random_state=seed,
                                  tree_method="hist")
    model.fit(x.astype(np.float32), y)
    return model


def import_onnx():
    """onnx, imported only for the ONNX model, so that the XGBoost model needs none of it."""
    try:
        import onnx
    except ImportError:
        raise SystemExit("onnx is not installed (pip install onnx; Debian: python3-onnx): the XGBoost model"
                         " is written, the ONNX logistic regression is not")
    return onnx


def logistic_as_onnx(onnx, x, y, classes, columns):
    """A logistic regression whose standardization is folded into its weights, as an ONNX graph:
    float_input [N, F] -> MatMul, Add -> Sigmoid (2 classes) or Softmax -> probabilities [N, C]."""
    from onnx import TensorProto, helper, numpy_helper
    scaler = StandardScaler().fit(x)
    fitted = LogisticRegression(max_iter=2000).fit(scaler.transform(x), y)
    scale = np.where(scaler.scale_ == 0, 1.0, scaler.scale_)
    weights = (fitted.coef_ / scale).T                                     # [F, K]
    bias = fitted.intercept_ - (fitted.coef_ * scaler.mean_ / scale).sum(axis=1)
    features = len(columns)
    nodes = [helper.make_node("MatMul", ["float_input", "W"], ["z0"]),
             helper.make_node("Add", ["z0", "B"], ["z"])]
    initializers = [numpy_helper.from_array(weights.astype(np.float32), "W"),
                    numpy_helper.from_array(bias.astype(np.float32), "B")]
    if len(classes) == 2:
        initializers.append(numpy_helper.from_array(np.array([1.0], dtype=np.float32), "one"))
        nodes += [helper.make_node("Sigmoid", ["z"], ["p1"]),
                  helper.make_node("Sub", ["one", "p1"], ["p0"]),
                  helper.make_node("Concat", ["p0", "p1"], ["probabilities"], axis=1)]
    else:
        nodes.append(helper.make_node("Softmax", ["z"], ["probabilities"], axis=1))
    graph = helper.make_graph(
        nodes, "logistic_regression",
        [helper.make_tensor_value_info("float_input", TensorProto.FLOAT, [None, features])],
        [helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, [None, len(classes)])],
        initializers)
    model = helper.make_model(graph, producer_name="scorestream-notebook",
                              opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 7
    onnx.checker.check_model(model)
    return model, weights.astype(np.float32), bias.astype(np.float32)


def logistic_reference(x, weights, bias, classes):
    """What the graph computes, in float32 as onnxruntime does."""
    z = x.astype(np.float32) @ weights + bias
    if len(classes) == 2:
        p1 = 1.0 / (1.0 + np.exp(-z[:, 0]))
        return np.stack([1.0 - p1, p1], axis=1)
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, help="a CSV from `scorer export`")
    parser.add_argument("--out", required=True, help="directory for the models and references")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)

    columns, ids, x, labels = read_matrix(args.data)
    classes = sorted(set(labels))
    y = np.array([classes.index(label) for label in labels])
    print("read %d rows x %d columns, classes %s" % (len(ids), len(columns), classes))

    booster = train_xgboost(x, y, args.seed)
    booster.get_booster().save_model(os.path.join(args.out, "xgboost.json"))
    write_reference(os.path.join(args.out, "xgboost-reference.csv"), columns, ids, x, labels, classes,
                    booster.predict_proba(x.astype(np.float32)))
    accuracy = float((booster.predict(x.astype(np.float32)) == y).mean())
    print("xgboost: 100 trees, depth 6, training accuracy %.4f -> xgboost.json" % accuracy)

    onnx = import_onnx()
    model, weights, bias = logistic_as_onnx(onnx, x, y, classes, columns)
    onnx.save(model, os.path.join(args.out, "logistic.onnx"))
    probabilities = logistic_reference(x, weights, bias, classes)
    write_reference(os.path.join(args.out, "logistic-reference.csv"), columns, ids, x, labels, classes,
                    probabilities)
    accuracy = float((probabilities.argmax(axis=1) == y).mean())
    print("logistic regression as ONNX: training accuracy %.4f -> logistic.onnx" % accuracy)


if __name__ == "__main__":
    main()
