#!/usr/bin/env python3
"""Writes tests/fixtures/image/gray16.png: a 3x2 (W x H) 16-bit greyscale PNG whose samples,
row by row, are 0, 1, 257, 32768, 65534, 65535. The C++ image reader must return each as
sample / 65535 (16-bit precision kept). Python's standard library only (zlib, struct), so the
file is written independently of stb_image, which reads it."""
import os
import struct
import zlib

SAMPLES = [[0, 1, 257], [32768, 65534, 65535]]


def chunk(kind, data):
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def main():
    h, w = len(SAMPLES), len(SAMPLES[0])
    # IHDR: width, height, bit depth 16, colour type 0 (grey), deflate, filter 0, no interlace.
    ihdr = struct.pack(">IIBBBBB", w, h, 16, 0, 0, 0, 0)
    raw = b"".join(b"\x00" + struct.pack(">" + "H" * w, *row) for row in SAMPLES)  # filter none
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw, 9)) + \
        chunk(b"IEND", b"")
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "fixtures",
                       "image", "gray16.png")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out + ".tmp", "wb") as f:
        f.write(png)
    os.replace(out + ".tmp", out)
    print(f"wrote {os.path.normpath(out)}: {len(png)} bytes")


if __name__ == "__main__":
    main()
