"""Registers claim.avsc and produces four claims: two valid (one needing sanitation), one breaking
two rules, and one sent as JSON by mistake. Usage: python3 produce_claims.py BOOTSTRAP REGISTRY_URL

The value is in the Confluent wire format: byte 0, the schema id (4 bytes, big-endian), then the
Avro binary body. Any Confluent-compatible Avro serializer writes the same bytes."""
import io
import json
import os
import struct
import sys
import time
import urllib.request

import avro.io
import avro.schema
from confluent_kafka import Producer

bootstrap, registry = sys.argv[1], sys.argv[2]
schema_text = open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "claim.avsc")).read()
request = urllib.request.Request(
    f"{registry}/subjects/claims-value/versions",
    data=json.dumps({"schema": schema_text}).encode(),
    headers={"Content-Type": "application/vnd.schemaregistry.v1+json"})
schema_id = json.load(urllib.request.urlopen(request))["id"]
writer = avro.io.DatumWriter(avro.schema.parse(schema_text))


def wire_format(claim):
    body = io.BytesIO()
    writer.write(claim, avro.io.BinaryEncoder(body))
    return b"\0" + struct.pack(">I", schema_id) + body.getvalue()


now = int(time.time() * 1000)
claims = [
    {"claim_id": "c-9001", "submitted_at": now, "amount": 12500.0, "region": " south ",
     "policy_age_days": 30, "prior_claims": 3, "has_police_report": False},
    {"claim_id": "c-9002", "submitted_at": now, "amount": 310.5, "region": "WEST",
     "policy_age_days": 2200, "prior_claims": None, "has_police_report": True},
    {"claim_id": "c-9003", "submitted_at": now, "amount": -5.0, "region": "MOON",
     "policy_age_days": 10, "prior_claims": 0, "has_police_report": True},
]
producer = Producer({"bootstrap.servers": bootstrap, "enable.idempotence": True})
for claim in claims:
    producer.produce("claims", key=claim["claim_id"], value=wire_format(claim))
producer.produce("claims", key="c-9004", value=b'{"claim_id": "c-9004"}')
producer.flush()
print(f"sent {len(claims) + 1} claims; claim.avsc has schema id {schema_id}")
