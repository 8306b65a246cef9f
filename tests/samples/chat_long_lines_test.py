#!/usr/bin/env python3
"""chat_server against long lines: a line within the limit (60 KiB) reaches every other
client intact; a client that sends more than the limit without a newline is dropped, and
the others stay connected and go on hearing each other. Every wait is bounded.

usage: chat_long_lines_test.py SERVER [EMULATOR...]
"""
import re
import socket
import subprocess
import sys
import time

server_command = [a for a in sys.argv[2:] if a] + [sys.argv[1], "0"]  # the emulator may be ""
server = subprocess.Popen(server_command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
try:
    first = server.stdout.readline()
    match = re.search(r"listening on port (\d+)", first)
    if not match:
        sys.exit(f"FAIL: the server did not say its port: {first!r}")
    port = int(match.group(1))

    def join():
        sock = socket.create_connection(("127.0.0.1", port), timeout=20)
        reader = sock.makefile("rb")
        welcome = reader.readline()
        if not welcome.startswith(b"Welcome, "):
            sys.exit(f"FAIL: expected a welcome, got {welcome[:80]!r}")
        return sock, reader, welcome[len(b"Welcome, "):-2].decode()  # "client N"

    a, a_reader, a_name = join()
    b, b_reader, _ = join()
    c, c_reader, _ = join()

    long_line = bytes(ord("a") + i % 26 for i in range(60 * 1024)) + b"\n"
    a.sendall(long_line)
    for reader in (b_reader, c_reader):
        heard = reader.readline()
        if heard != a_name.encode() + b": " + long_line:
            sys.exit(f"FAIL: a 60 KiB line arrived as {len(heard)} bytes, not intact")

    abuser, abuser_reader, _ = join()
    chunk = b"x" * 65536
    dropped = False
    deadline = time.monotonic() + 20
    try:
        for _ in range(64):  # 4 MiB at most, no newline
            abuser.sendall(chunk)
        abuser.settimeout(max(0.1, deadline - time.monotonic()))
        dropped = abuser.recv(1) == b""
    except (ConnectionResetError, BrokenPipeError):
        dropped = True
    except TimeoutError:
        dropped = False
    if not dropped:
        sys.exit("FAIL: a client that sent 4 MiB without a newline is still connected")

    a.sendall(b"still here\n")
    for reader in (b_reader, c_reader):
        heard = reader.readline()
        if heard != a_name.encode() + b": still here\n":
            sys.exit(f"FAIL: after the long line, a reader heard {heard[:80]!r}")
    print("PASS: 60 KiB line delivered intact; the endless line's sender dropped; the others served")
finally:
    server.kill()
    output, errors = server.communicate(timeout=20)
if "sent a line longer than" not in output:
    sys.exit(f"FAIL: the server did not say why it dropped the client: {output[-500:]!r}")
if errors.strip():
    sys.exit(f"FAIL: the server wrote to stderr: {errors[:500]!r}")
