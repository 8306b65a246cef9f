#!/usr/bin/env python3
"""End-to-end tests of the local-socket samples against real peers, each in a fresh
temporary directory: socat's UNIX-LISTEN and a Python AF_UNIX server against
local_welcome_client, a Python client against local_welcome_server (also after the server
was killed and restarted on its stale socket file), the two samples against each other, and
redis_local_client against a real redis-server. Every process is started and stopped here,
by PID; every wait is bounded.

usage: local_peers_test.py CASE --server EXE --client EXE [--redis-client EXE]
  CASE: socat | python_server | python_client | stale_restart | samples | redis
Exit 77 (skipped) when a peer program is missing.
"""
import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

LIMIT = 20.0
WELCOME = "Welcome to the server!"
SKIP = 77


def wait_for(condition, what):
    deadline = time.monotonic() + LIMIT
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def stop(process):
    """Ends a process we started, by its PID: politely, then for good."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def run_client(client, path):
    done = subprocess.run([client, path], capture_output=True, text=True, timeout=LIMIT)
    assert done.returncode == 0, f"client failed ({done.returncode}): {done.stderr}"
    assert done.stderr == "", done.stderr
    return done.stdout


def start_server(server, path):
    """Starts local_welcome_server for one client; returns it once it says it listens."""
    process = subprocess.Popen([server, path, "1"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = []
    reader = threading.Thread(target=lambda: line.append(process.stdout.readline()), daemon=True)
    reader.start()
    reader.join(LIMIT)
    if not line:
        stop(process)
        raise AssertionError("the server did not say it was listening")
    assert line[0] == f"Server is listening on {path}...\n", line[0]
    return process


def python_client(path):
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(LIMIT)
        s.connect(path)
        chunks = []
        while data := s.recv(4096):
            chunks.append(data)
    return b"".join(chunks).decode()


def finish_server(process):
    out, err = process.communicate(timeout=LIMIT)
    assert process.returncode == 0, f"server failed ({process.returncode}): {err}"
    assert err == "", err
    assert out == "Connection from (unnamed) has been established!\n", out


def case_socat(args, path):
    if not shutil.which("socat"):
        print("SKIP: socat is not installed")
        return SKIP
    welcome = os.path.join(os.path.dirname(path), "welcome.txt")
    with open(welcome, "w") as f:
        f.write(WELCOME)
    peer = subprocess.Popen(["socat", "-u", f"OPEN:{welcome}", f"UNIX-LISTEN:{path}"])
    try:
        wait_for(lambda: os.path.exists(path), "socat's socket file")
        assert run_client(args.client, path) == WELCOME + "\n"
    finally:
        stop(peer)
    print("PASS: local_welcome_client read socat's UNIX-LISTEN greeting")
    return 0


def case_python_server(args, path):
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(1)
    listener.settimeout(LIMIT)

    def serve():
        connection, _ = listener.accept()
        with connection:
            connection.sendall(WELCOME.encode())

    server = threading.Thread(target=serve, daemon=True)
    server.start()
    assert run_client(args.client, path) == WELCOME + "\n"
    server.join(LIMIT)
    listener.close()
    print("PASS: local_welcome_client read a Python AF_UNIX server's greeting")
    return 0


def greeted_by_server(server, path, talk):
    """Starts local_welcome_server for one client, lets `talk` be that client, and checks
    both sides' output; the server is stopped by its PID whatever happens."""
    process = start_server(server, path)
    try:
        assert talk(path) == WELCOME
        finish_server(process)
    finally:
        stop(process)


def case_python_client(args, path):
    greeted_by_server(args.server, path, python_client)
    print("PASS: a Python AF_UNIX client was greeted by local_welcome_server")
    return 0


def case_stale_restart(args, path):
    crashed = start_server(args.server, path)
    crashed.kill()  # SIGKILL: no chance to remove its socket file
    crashed.wait(timeout=LIMIT)
    assert os.path.exists(path), "a killed server leaves its socket file"
    greeted_by_server(args.server, path, python_client)  # replace_stale_socket takes the path back
    print("PASS: local_welcome_server restarted over the socket file of a killed one")
    return 0


def case_samples(args, path):
    greeted_by_server(args.server, path, lambda p: run_client(args.client, p).rstrip("\n"))
    print("PASS: local_welcome_server and local_welcome_client")
    return 0


def case_redis(args, path):
    redis = shutil.which("redis-server")
    if not redis:
        print("SKIP: redis-server is not installed")
        return SKIP
    directory = os.path.dirname(path)
    peer = subprocess.Popen(
        [redis, "--port", "0", "--unixsocket", path, "--unixsocketperm", "700", "--save", "",
         "--appendonly", "no", "--dir", directory, "--daemonize", "no", "--protected-mode", "no"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(lambda: os.path.exists(path) or peer.poll() is not None, "redis-server's socket")
        assert peer.poll() is None, f"redis-server exited with {peer.returncode}"
        done = subprocess.run([args.redis_client, path], capture_output=True, text=True, timeout=LIMIT)
        print(done.stdout, end="")
        assert done.returncode == 0, f"redis_local_client failed: {done.stderr}"
        assert done.stdout == ("PING: +PONG\nSET 1048576 bytes: +OK\nGET 1048576 bytes: identical\n"), done.stdout
    finally:
        stop(peer)
    print("PASS: PING and a 1 MiB SET/GET with redis-server over its Unix socket")
    return 0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("case")
    parser.add_argument("--server", required=True)
    parser.add_argument("--client", required=True)
    parser.add_argument("--redis-client")
    args = parser.parse_args()
    case = globals().get(f"case_{args.case}")
    if case is None:
        parser.error(f"unknown case {args.case}")
    with tempfile.TemporaryDirectory(prefix="pslocal") as directory:
        return case(args, os.path.join(directory, "welcome.sock"))


if __name__ == "__main__":
    sys.exit(main())
