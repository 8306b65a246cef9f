#!/usr/bin/env python3
"""End-to-end tests of async_tls_welcome_server (and of async_https_get and https_get: the
https_get cases) against real peers: openssl s_client,
Python's ssl and asyncio, and hostile clients (silent, half a ClientHello, a byte at a
time, garbage, reset mid-handshake) held open while ordinary clients are served.
Every wait is bounded; the server is stopped by PID if it overstays.

usage: run_async_tls_samples.py --case NAME --certs DIR --server PATH [--emulator CMD]
"""
import argparse
import asyncio
import http.server
import re
import shlex
import socket
import ssl
import struct
import subprocess
import sys
import threading
import time

WELCOME = b"Welcome to the server!"
HANDSHAKE_LIMIT = 10  # seconds: the sample's handshake limit
LIMIT = 60            # seconds any one process may take
failures = []


def check(ok, what):
    if not ok:
        failures.append(what)
        print("FAIL: " + what, file=sys.stderr)


def start_server(args, clients):
    command = shlex.split(args.emulator) + [args.server, "0", f"{args.certs}/chain.pem", f"{args.certs}/leaf.key",
                                            str(clients)]
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    line = process.stdout.readline().decode(errors="replace")
    match = re.match(r"Server is listening on port (\d+)\.\.\.", line)
    if not match:
        process.kill()
        raise SystemExit(f"the server did not start: {line!r} {process.stderr.read()!r}")
    return process, int(match.group(1))


def finish(process):
    try:
        out, err = process.communicate(timeout=LIMIT)
    except subprocess.TimeoutExpired:
        process.kill()
        out, err = process.communicate()
        check(False, f"the server did not finish within {LIMIT} s")
    return process.returncode, out.decode(errors="replace"), err.decode(errors="replace")


def client_context(certs):
    context = ssl.create_default_context(cafile=f"{certs}/ca.pem")
    return context


def python_client(port, certs):
    """One ordinary client: returns (what it read, seconds it took)."""
    start = time.monotonic()
    with socket.create_connection(("localhost", port), timeout=LIMIT) as raw:
        with client_context(certs).wrap_socket(raw, server_hostname="localhost") as tls:
            data = b""
            while True:
                chunk = tls.recv(1024)
                if not chunk:  # close_notify (a cut stream raises instead)
                    break
                data += chunk
    return data, time.monotonic() - start


def case_vs_s_client(args):
    server, port = start_server(args, 1)
    s_client = subprocess.run(["openssl", "s_client", "-connect", f"localhost:{port}", "-servername", "localhost",
                               "-CAfile", f"{args.certs}/ca.pem", "-verify_return_error", "-quiet"],
                              stdin=subprocess.DEVNULL, capture_output=True, timeout=LIMIT)
    out = s_client.stdout
    check(WELCOME in out, f"s_client did not read the welcome: {out!r} {s_client.stderr!r}")
    status, _, err = finish(server)
    check(status == 0, f"the server exited with {status}: {err}")


def case_vs_asyncio(args):
    async def one():
        context = client_context(args.certs)
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection("localhost", port, ssl=context, server_hostname="localhost"), LIMIT)
        data = await asyncio.wait_for(reader.read(), LIMIT)  # to end of stream (close_notify)
        writer.close()
        return data

    async def many(count):
        return await asyncio.gather(*(one() for _ in range(count)))

    count = 50
    server, port = start_server(args, count)
    answers = asyncio.run(many(count))
    check(all(a == WELCOME for a in answers), f"asyncio clients read {set(answers)!r}")
    status, _, err = finish(server)
    check(status == 0, f"the server exited with {status}: {err}")


def hostile(kind, port, ended):
    """A client that never completes a handshake. Records in `ended[kind]` how long after
    connecting the server ended the connection (None if it never did within LIMIT)."""
    hello = bytes([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc])
    try:
        with socket.create_connection(("localhost", port), timeout=LIMIT) as s:
            start = time.monotonic()
            if kind == "half_hello":
                s.sendall(hello)
            elif kind == "garbage":
                s.sendall(b"GET / HTTP/1.0\r\n\r\n")
            elif kind == "reset":
                s.sendall(hello[:5])
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                return
            s.settimeout(0.2)
            for i in range(int(LIMIT / 0.2)):
                if kind == "drip" and i < len(hello):
                    s.sendall(hello[i:i + 1])
                try:
                    if s.recv(1024) == b"":
                        break  # the server ended it
                except socket.timeout:
                    continue
                except OSError:
                    break
            else:
                return
            ended.setdefault(kind, []).append(time.monotonic() - start)
    except OSError:
        pass


def case_hostile_clients(args):
    kinds = ["silent", "half_hello", "drip", "garbage", "reset"]
    hostile_count, ordinary_count = 20, 20
    server, port = start_server(args, -1)  # serves until stopped
    ended = {}
    attackers = [threading.Thread(target=hostile, args=(kinds[i % 5], port, ended)) for i in range(hostile_count)]
    for t in attackers:
        t.start()
    time.sleep(0.5)  # the hostile clients are connected (and accepted) first
    results = []
    for _ in range(ordinary_count):
        results.append(python_client(port, args.certs))
    slowest = max(seconds for _, seconds in results)
    check(all(data == WELCOME for data, _ in results), f"ordinary clients read {set(d for d, _ in results)!r}")
    # The bound: each ordinary client is welcomed in well under the hostile ones' handshake limit.
    check(slowest < HANDSHAKE_LIMIT / 2, f"an ordinary client waited {slowest:.1f} s behind the hostile ones")
    print(f"{ordinary_count} ordinary clients among {hostile_count} hostile ones: slowest {slowest:.2f} s")
    for t in attackers:
        t.join(LIMIT)
    server.kill()
    _, err = server.communicate()
    # Each stalling handshake ended at the server's limit; garbage ended at once.
    for kind in ("silent", "half_hello", "drip"):
        times = ended.get(kind, [])
        check(len(times) == hostile_count // 5, f"{kind}: the server ended {len(times)} of {hostile_count // 5}")
        check(all(HANDSHAKE_LIMIT - 1 <= t <= HANDSHAKE_LIMIT + 10 for t in times),
              f"{kind}: ended after {times} s, the limit being {HANDSHAKE_LIMIT} s")
    check(len(ended.get("garbage", [])) == hostile_count // 5 and max(ended.get("garbage", [LIMIT])) < HANDSHAKE_LIMIT,
          f"garbage: ended after {ended.get('garbage')} s")
    print("hostile clients ended after (s): " +
          ", ".join(f"{k} {max(v):.1f}" for k, v in sorted(ended.items())))


class Handler(http.server.BaseHTTPRequestHandler):
    body = b"portsock " * 1371 + b"!"

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args):
        pass


def run_program(args, *arguments):
    return subprocess.run(shlex.split(args.emulator) + [args.server] + [str(a) for a in arguments],
                          stdin=subprocess.DEVNULL, capture_output=True, timeout=LIMIT)


def case_https_get_vs_python(args):
    """async_https_get against Python's HTTPS server: the status line and the body's size."""
    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(f"{args.certs}/chain.pem", f"{args.certs}/leaf.key")
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.handle_request, daemon=True)
    thread.start()
    port = server.server_address[1]
    result = run_program(args, f"https://localhost:{port}/index.html", f"{args.certs}/ca.pem")
    thread.join(LIMIT)
    server.server_close()
    out = result.stdout.decode(errors="replace").replace("\r", "")
    check(result.returncode == 0, f"async_https_get status {result.returncode}: {result.stderr!r}")
    check(out == f"HTTP/1.0 200 OK\nbody: {len(Handler.body)} bytes\n", f"async_https_get printed {out!r}")
    print(out, end="")


def case_https_get_timeout(args):
    """A server that completes the handshake, then never answers: the whole request ends at
    its limit (2 s), with timed out."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(f"{args.certs}/chain.pem", f"{args.certs}/leaf.key")
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    done = threading.Event()

    def stall():
        connection, _ = listener.accept()
        with context.wrap_socket(connection, server_side=True) as tls:
            done.wait(LIMIT)  # reads nothing, answers nothing
    thread = threading.Thread(target=stall, daemon=True)
    thread.start()
    started = time.monotonic()
    result = run_program(args, f"https://localhost:{port}/", f"{args.certs}/ca.pem", 2)
    elapsed = time.monotonic() - started
    done.set()
    thread.join(LIMIT)
    listener.close()
    err = result.stderr.decode(errors="replace")
    check(result.returncode == 1 and "timed out" in err.lower(), f"status {result.returncode}: {err!r}")
    check(1.8 <= elapsed < 2 + 10, f"the request took {elapsed:.1f} s with a 2 s limit")
    print(f"stalled server: {err.strip()} after {elapsed:.1f} s")


def case_https_get_drip(args):
    """A server that answers its head a line every 0.5 s, for 15 s: the request ends at its
    limit (2 s) however many lines keep coming, since one deadline bounds every step (a
    limit per read would let the drip run for all 15 s)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(f"{args.certs}/chain.pem", f"{args.certs}/leaf.key")
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    done = threading.Event()

    def drip():
        connection, _ = listener.accept()
        with context.wrap_socket(connection, server_side=True) as tls:
            tls.recv(4096)  # the request
            try:
                tls.sendall(b"HTTP/1.0 200 OK\r\n")
                for line in range(30):
                    if done.wait(0.5):
                        break
                    tls.sendall(f"X-Drip: {line}\r\n".encode())
            except OSError:
                pass  # the client gave up, as it must
    thread = threading.Thread(target=drip, daemon=True)
    thread.start()
    started = time.monotonic()
    result = run_program(args, f"https://localhost:{port}/", f"{args.certs}/ca.pem", 2)
    elapsed = time.monotonic() - started
    done.set()
    thread.join(LIMIT)
    listener.close()
    err = result.stderr.decode(errors="replace")
    check(result.returncode == 1 and "timed out" in err.lower(), f"status {result.returncode}: {err!r}")
    check(1.8 <= elapsed < 2 + 6, f"the request took {elapsed:.1f} s with a 2 s limit, the drip 15 s")
    print(f"dripping server: {err.strip()} after {elapsed:.1f} s")


def serve_once(context, listener, response, close_notify):
    """Answers one request with `response`, then ends with close_notify or a bare close."""
    connection, _ = listener.accept()
    with context.wrap_socket(connection, server_side=True) as tls:
        try:
            tls.recv(4096)  # the request
            tls.sendall(response)
            if close_notify:
                tls.unwrap()
        except OSError:
            pass  # the client gave up, as it may


def case_https_get_framing(args):
    """async_https_get against responses framed every way HTTP/1.1 allows, and broken ones:
    the body's size is the payload's (never the framing's), and a response cut inside its
    head, or with a bad chunk, is an error (exit 1), never "body: 0 bytes"."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(f"{args.certs}/chain.pem", f"{args.certs}/leaf.key")
    alphabet = b"abcdefghijklmnopqrstuvwxyz"
    cases = [  # (what, response, close_notify, expected exit status, expected body size)
        ("chunked, an extension, a trailer",
         b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n1a;ext=1\r\n"
         + alphabet + b"\r\n0\r\nX-Trailer: t\r\n\r\n", True, 0, 31),
        ("chunked in upper case, LF line ends",
         b"HTTP/1.1 200 OK\nTRANSFER-ENCODING: CHUNKED\n\n3\nabc\r\n0\n\n", True, 0, 3),
        ("a one-letter header line ending in LF",
         b"HTTP/1.0 200 OK\r\nX\nContent-Length: 3\r\n\r\nabc", True, 0, 3),
        ("Content-Length, then close_notify", b"HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", True, 0, 0),
        ("close_notify inside the head", b"HTTP/1.0 200 OK\r\nContent-Len", True, 1, None),
        ("close_notify before the status line", b"", True, 1, None),
        ("a chunk size that is not hex", b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", True, 1, None),
        ("a chunk longer than its size", b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n0\r\n\r\n",
         True, 1, None),
        ("a huge chunk size, then the end", b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffff\r\nab",
         True, 1, None),
        ("a body cut without close_notify", b"HTTP/1.0 200 OK\r\nContent-Length: 10\r\n\r\nabc", False, 1, None),
    ]
    for what, response, close_notify, status, size in cases:
        listener = socket.create_server(("127.0.0.1", 0))
        port = listener.getsockname()[1]
        thread = threading.Thread(target=serve_once, args=(context, listener, response, close_notify), daemon=True)
        thread.start()
        result = run_program(args, f"https://localhost:{port}/", f"{args.certs}/ca.pem", 10)
        thread.join(LIMIT)
        listener.close()
        # A Windows program's text-mode stdout ends lines with CRLF.
        out = result.stdout.decode(errors="replace").replace("\r\n", "\n")
        err = result.stderr.decode(errors="replace").strip()
        check(result.returncode == status, f"{what}: status {result.returncode}, expected {status}: {out!r} {err!r}")
        if size is not None:
            check(out.endswith(f"body: {size} bytes\n"), f"{what}: printed {out!r}, expected {size} bytes")
        print(f"{what}: status {result.returncode}, {out.strip() or err}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--case", required=True)
    parser.add_argument("--certs", required=True)
    parser.add_argument("--server", required=True)
    parser.add_argument("--emulator", default="")
    args = parser.parse_args()
    {"vs_s_client": case_vs_s_client, "vs_asyncio": case_vs_asyncio,
     "hostile_clients": case_hostile_clients,
     "https_get_vs_python": case_https_get_vs_python, "https_get_timeout": case_https_get_timeout,
     "https_get_drip": case_https_get_drip, "https_get_framing": case_https_get_framing}[args.case](args)
    if failures:
        print(f"{len(failures)} check(s) failed", file=sys.stderr)
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
