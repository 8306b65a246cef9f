#!/usr/bin/env python3
"""Socket activation, as systemd does it: this script is the service manager. It makes the
listeners, starts activation_child with them at descriptor 3 onwards and LISTEN_FDS set,
connects as a client, and checks what the child says. Every wait is bounded; the child is
stopped by its PID if it outlives its time.

usage: socket_activation_test.py ACTIVATION_CHILD
"""
import fcntl
import os
import signal
import socket
import sys
import tempfile
import time

LIMIT = 20.0  # seconds for each scenario


def start_child(child, mode, sockets):
    """Forks and execs the child with `sockets` at descriptors 3, 4, ..."""
    # First above 10, so that moving them to 3, 4 ... cannot overwrite one another.
    high = [fcntl.fcntl(s.fileno(), fcntl.F_DUPFD, 10) for s in sockets]
    pid = os.fork()
    if pid == 0:
        try:
            for index, fd in enumerate(high):
                os.dup2(fd, 3 + index, inheritable=True)
            env = dict(os.environ, LISTEN_FDS=str(len(high)), LISTEN_PID=str(os.getpid()))
            os.execve(child, [child, mode], env)
        finally:
            os._exit(127)
    for fd in high:
        os.close(fd)
    return pid


def wait_child(pid):
    deadline = time.monotonic() + LIMIT
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        time.sleep(0.05)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    raise AssertionError("the child did not finish in time and was killed")


def read_all(sock):
    sock.settimeout(LIMIT)
    chunks = []
    while True:
        data = sock.recv(4096)
        if not data:
            return b"".join(chunks).decode()
        chunks.append(data)


def serve(child, directory):
    tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    tcp.bind(("127.0.0.1", 0))
    tcp.listen(4)
    path = os.path.join(directory, "activated.sock")
    local = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    local.bind(path)
    local.listen(4)
    pid = start_child(child, "serve", [tcp, local])
    with socket.create_connection(tcp.getsockname(), timeout=LIMIT) as client:
        tcp_text = read_all(client)
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
        client.settimeout(LIMIT)
        client.connect(path)
        local_text = read_all(client)
    status = wait_child(pid)
    assert status == 0, f"child exit status {status}"
    assert tcp_text == "activated over tcp", tcp_text
    assert local_text == f"activated over local {path}", local_text
    print("PASS: the child adopted an inherited TCP and a local listener and served both")


def refuse(child):
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind(("127.0.0.1", 0))
    pid = start_child(child, "refuse", [udp])
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as client:
        client.settimeout(LIMIT)
        client.sendto(b"ping", udp.getsockname())
        reply, _ = client.recvfrom(64)
    status = wait_child(pid)
    assert status == 0, f"child exit status {status}"
    assert reply == b"still open: ping", reply
    print("PASS: a UDP socket was refused as a listener, left open, and still worked")


def main():
    child = sys.argv[1]
    with tempfile.TemporaryDirectory(prefix="psact") as directory:
        serve(child, directory)
    refuse(child)


if __name__ == "__main__":
    main()
