"""Calls a scorer's gRPC port over TLS with a bearer token, as a Python client generated from the
repository's .proto would: with the token, without it, with a wrong one, and in plaintext.

usage: secured_grpc_client.py ADDRESS CA_PEM TOKEN (run where grpc_predict_v2_pb2*.py were generated)
"""
import sys

import grpc
import grpc_predict_v2_pb2 as pb
import grpc_predict_v2_pb2_grpc as pb_grpc

address, ca_file, token = sys.argv[1], sys.argv[2], sys.argv[3]
with open(ca_file, "rb") as f:
    credentials = grpc.ssl_channel_credentials(root_certificates=f.read())


def ready(channel, metadata):
    stub = pb_grpc.GRPCInferenceServiceStub(channel)
    try:
        return str(stub.ServerReady(pb.ServerReadyRequest(), metadata=metadata, timeout=10).ready)
    except grpc.RpcError as e:
        return e.code().name


with grpc.secure_channel(address, credentials) as channel:
    print("token:", ready(channel, [("authorization", "Bearer " + token)]))
    print("no token:", ready(channel, []))
    print("wrong token:", ready(channel, [("authorization", "Bearer wrong")]))
with grpc.insecure_channel(address) as channel:
    print("plaintext:", ready(channel, [("authorization", "Bearer " + token)]))
