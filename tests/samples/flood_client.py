#!/usr/bin/env python3
"""Floods a poller sample (echo_server_poller or chat_server) with more clients at once
than it has descriptors, and checks that every client is served in the end.

usage: flood_client.py echo|chat PORT CLIENTS [--hold SECONDS] [--patience SECONDS]

Every client connects at once (the listener's queue holds those the server cannot accept
yet), then waits for its reply: its own message echoed back (echo), or its welcome line
(chat). A served client stays connected for --hold seconds, so the server stays saturated
for a while, then leaves and frees a descriptor for the next. Prints "PASS: ..." and exits
0, or prints why and exits 1. Bounded by --patience in total.
"""
import argparse
import selectors
import socket
import sys
import time


def first_address(port):
    """The address the server listens on: the first of "localhost" that accepts."""
    error = None
    for family, kind, proto, _, address in socket.getaddrinfo("localhost", port, type=socket.SOCK_STREAM):
        probe = socket.socket(family, kind, proto)
        try:
            probe.connect(address)
            return probe, family, address
        except OSError as e:
            probe.close()
            error = e
    raise SystemExit(f"FAIL: cannot connect to localhost:{port}: {error}")


class Client:
    def __init__(self, index, sock, kind):
        self.index = index
        self.sock = sock
        self.expected = (f"message {index}\n" if kind == "echo" else "Welcome, ").encode()
        self.received = b""
        self.served_at = None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("kind", choices=["echo", "chat"])
    parser.add_argument("port", type=int)
    parser.add_argument("clients", type=int)
    parser.add_argument("--hold", type=float, default=0.3)
    parser.add_argument("--patience", type=float, default=60.0)
    args = parser.parse_args()
    deadline = time.monotonic() + args.patience

    probe, family, address = first_address(args.port)
    clients = [Client(0, probe, args.kind)]
    for i in range(1, args.clients):
        s = socket.socket(family, socket.SOCK_STREAM)
        s.setblocking(False)
        s.connect_ex(address)  # in progress; the handshake completes in the kernel
        clients.append(Client(i, s, args.kind))
    probe.setblocking(False)

    selector = selectors.DefaultSelector()
    for c in clients:
        selector.register(c.sock, selectors.EVENT_WRITE, c)  # writable: connected, send
    waiting = len(clients)
    held = []
    served = 0
    while (waiting or held) and time.monotonic() < deadline:
        for key, events in selector.select(timeout=0.05):
            c = key.data
            if events & selectors.EVENT_WRITE:
                if args.kind == "echo":
                    c.sock.send(c.expected)  # a few bytes: the send buffer takes them whole
                selector.modify(c.sock, selectors.EVENT_READ, c)
                continue
            try:
                data = c.sock.recv(4096)
            except OSError as e:
                print(f"FAIL: client {c.index}: {e}")
                return 1
            if not data:
                print(f"FAIL: client {c.index}: the server closed before replying")
                return 1
            c.received += data
            if len(c.received) >= len(c.expected):
                if not c.received.startswith(c.expected):
                    print(f"FAIL: client {c.index} got {c.received!r}, expected {c.expected!r}")
                    return 1
                selector.unregister(c.sock)
                c.served_at = time.monotonic()
                held.append(c)
                waiting -= 1
        now = time.monotonic()
        while held and now - held[0].served_at >= args.hold:  # leave: a descriptor comes free
            held.pop(0).sock.close()
            served += 1
    if waiting or held:
        print(f"FAIL: {served} of {args.clients} clients served within {args.patience} s")
        return 1
    print(f"PASS: all {args.clients} clients served")
    return 0


if __name__ == "__main__":
    sys.exit(main())
