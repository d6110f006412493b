"""Prints the predictions the scorer committed (read_committed), each decoded with the schema its
id names. Usage: python3 read_predictions.py BOOTSTRAP REGISTRY_URL"""
import io
import json
import struct
import sys
import urllib.request

import avro.io
import avro.schema
from confluent_kafka import Consumer

bootstrap, registry = sys.argv[1], sys.argv[2]
readers = {}


def decode(value):
    schema_id = struct.unpack(">I", value[1:5])[0]
    if schema_id not in readers:
        text = json.load(urllib.request.urlopen(f"{registry}/schemas/ids/{schema_id}"))["schema"]
        readers[schema_id] = avro.io.DatumReader(avro.schema.parse(text))
    return readers[schema_id].read(avro.io.BinaryDecoder(io.BytesIO(value[5:])))


consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "claims-reader",
                     "isolation.level": "read_committed", "auto.offset.reset": "earliest"})
consumer.subscribe(["claims.predictions"])
while (message := consumer.poll(5.0)) is not None:
    prediction = decode(message.value())
    scores = {label: round(score, 3) for label, score in prediction["scores"].items()}
    print(prediction["event_id"], prediction["predicted_label"], scores,
          prediction["model_version"])
consumer.close()
