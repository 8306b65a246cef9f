#!/usr/bin/env python3
"""A client that sends a lot, half-closes (FIN), and only then starts reading its echo.

usage: half_close_client.py PORT SIZE PAUSE_SECONDS   (SIZE in bytes, or with K or M)

While it pauses, the server holds echoed bytes the client does not take, for a peer whose
FIN it has seen: a level-triggered poller reports that hang-up on every wait. Prints
"pause-start" and "pause-end" (so the runner can measure the server over the pause), then
reads to the end and checks every byte came back in order. Every wait is bounded.
"""
import socket
import sys
import threading
import time

port, size_text, pause = int(sys.argv[1]), sys.argv[2], float(sys.argv[3])
size = int(size_text.rstrip("KM")) << {"K": 10, "M": 20}.get(size_text[-1:], 0)
data = bytes((i * 7 + 3) % 251 for i in range(size))
sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16384)  # small: the echo backs up soon
sock.settimeout(60)
sock.connect(("127.0.0.1", port))
sender_error = []


def send_then_half_close():
    try:
        sock.sendall(data)
        sock.shutdown(socket.SHUT_WR)
    except OSError as error:
        sender_error.append(error)


sender = threading.Thread(target=send_then_half_close)
sender.start()
print("pause-start", flush=True)
time.sleep(pause)
print("pause-end", flush=True)
received = bytearray()
while len(received) <= len(data):
    chunk = sock.recv(1 << 16)
    if not chunk:
        break
    received += chunk
sender.join(60)
sock.close()
if sender_error:
    sys.exit(f"FAIL: sending failed: {sender_error[0]}")
if bytes(received) != data:
    sys.exit(f"FAIL: {len(received)} bytes came back of {len(data)}, or not in order")
print(f"PASS: {len(data)} bytes echoed to a client that half-closed and read late")
