#!/usr/bin/env python3
"""Writes a length-prefixed gRPC request body for h2load.

    python3 scripts/grpc_body.py process ARTICLE.txt OUT.bin   # ProcessRequest{text}
    python3 scripts/grpc_body.py getinfo OUT.bin               # GetInfoRequest{}

A gRPC frame is 0x00 (not compressed) + a 4-byte big-endian length + the
protobuf bytes; ProcessRequest.text is field 1 (wire type 2): 0x0a,
varint length, UTF-8 bytes.
"""
import struct
import sys


def varint(n):
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def frame(message):
    return b"\x00" + struct.pack(">I", len(message)) + message


if __name__ == "__main__":
    kind = sys.argv[1]
    if kind == "process":
        text = open(sys.argv[2], "rb").read()
        body = frame(b"\x0a" + varint(len(text)) + text)
        out = sys.argv[3]
    elif kind == "getinfo":
        body = frame(b"")
        out = sys.argv[2]
    else:
        sys.exit("kind must be process or getinfo")
    open(out, "wb").write(body)
