"""Sends the truth about one claim, learned after review, as a LabelFeedback record.
Usage: python3 send_label.py BOOTSTRAP REGISTRY_URL CLAIM_ID OUTCOME"""
import datetime
import io
import json
import os
import struct
import sys
import urllib.request

import avro.io
import avro.schema
from confluent_kafka import Producer

bootstrap, registry, claim_id, outcome = sys.argv[1:5]
# The scorer's label contract, as the repository ships it.
schema_text = open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "schemas",
                                "src", "main", "avro", "LabelFeedback.avsc")).read()
request = urllib.request.Request(
    f"{registry}/subjects/claims.labels-value/versions",
    data=json.dumps({"schema": schema_text}).encode(),
    headers={"Content-Type": "application/vnd.schemaregistry.v1+json"})
schema_id = json.load(urllib.request.urlopen(request))["id"]
body = io.BytesIO()
avro.io.DatumWriter(avro.schema.parse(schema_text)).write(
    {"event_id": claim_id, "label": outcome, "value": None,
     "label_time": datetime.datetime.now(datetime.timezone.utc)},
    avro.io.BinaryEncoder(body))
producer = Producer({"bootstrap.servers": bootstrap})
producer.produce("claims.labels", key=claim_id,
                 value=b"\0" + struct.pack(">I", schema_id) + body.getvalue())
producer.flush()
print(f"sent label {outcome} for {claim_id}")
