#!/usr/bin/env python3
"""End to end: tcp_echo_threads serves clients at once, and stops cleanly through cancel().

usage: echo_threads_test.py <tcp_echo_threads> [emulator]

Three clients connect. The first says nothing; the others are echoed meanwhile (a thread
per client: the silent one holds nobody). Two stay connected, each with its server thread
blocked in receive(), when standard input closes: the server must cancel them (they read
end of stream), join its threads, print how many clients it served and exit 0, well within
a few seconds. Every wait is bounded.
"""
import re
import shlex
import socket
import subprocess
import sys
import time

LIMIT = 20  # seconds any one wait may take
failures = []


def check(ok, what):
    if not ok:
        failures.append(what)
        print("FAIL: " + what, file=sys.stderr)


def echo(connection, payload):
    connection.sendall(payload)
    got = b""
    while len(got) < len(payload):
        data = connection.recv(65536)
        if not data:
            break
        got += data
    return got


def main(argv):
    if len(argv) not in (2, 3):
        print(__doc__, file=sys.stderr)
        return 2
    command = (shlex.split(argv[2]) if len(argv) == 3 else []) + [argv[1], "0"]
    server = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        line = server.stdout.readline().decode(errors="replace")
        match = re.match(r"Server is listening on port (\d+)\.\.\.", line)
        if not match:
            print(f"the server did not start: {line!r}", file=sys.stderr)
            return 1
        port = int(match.group(1))

        silent = socket.create_connection(("127.0.0.1", port), timeout=LIMIT)
        talker = socket.create_connection(("127.0.0.1", port), timeout=LIMIT)
        started = time.monotonic()
        check(echo(talker, b"hello, threads\n") == b"hello, threads\n", "echo beside a silent client")
        big = bytes((i * 7) % 251 for i in range(300_000))  # more than the socket buffers hold
        check(echo(talker, big) == big, "a 300 kB echo")
        check(time.monotonic() - started < 5, "the silent client held the talking one")
        with socket.create_connection(("127.0.0.1", port), timeout=LIMIT) as short:
            check(echo(short, b"x") == b"x", "a third client's echo")
        time.sleep(0.2)  # the third client's thread sees its end of stream (it is joined on stop)

        stop_started = time.monotonic()
        server.stdin.close()  # "press Enter": the server cancels, joins and exits
        server.stdin = None  # (communicate() below must not flush it)
        for connection in (silent, talker):
            try:
                check(connection.recv(1) == b"", "a connected client reads end of stream on stop")
            except ConnectionResetError:
                check(False, "a connected client was reset on stop, not closed")
        out, err = server.communicate(timeout=LIMIT)
        stop_took = time.monotonic() - stop_started
        out = out.decode(errors="replace").replace("\r\n", "\n")  # Windows ends lines with CRLF
        err = err.decode(errors="replace").replace("\r\n", "\n")
        check(server.returncode == 0, f"server status {server.returncode}: {err!r}")
        check(out == "Server stopped: 3 client(s) served\n", f"server printed {out!r}")
        check(err == "", f"server errors: {err!r}")
        check(stop_took < 5, f"stopping took {stop_took:.1f} s")
        print(line + out, end="")
        print(f"stopped in {stop_took:.2f} s with two clients connected")
        silent.close()
        talker.close()
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
    if failures:
        print(f"{len(failures)} check(s) failed", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
