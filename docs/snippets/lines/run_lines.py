#!/usr/bin/env python3
"""Runs one of the line-count programs, in both its versions (portsock's C++ and Python's
asyncio), against the same real peer, which this test starts and stops itself (by PID):

  https      nginx over TLS (a certificate of the TLS tests' CA) serving a 1 MiB file
  redis      redis-server on a Unix socket in a temporary directory (port 0: no TCP)
  memcached  memcached on 127.0.0.1 and a free port
  tls_echo   the program is the server; Python ssl clients and openssl s_client talk to it

Both versions must do the job (exit 0, print the same line) and both must fail where the job
cannot be done (a wrong file, a missing socket, a closed port, a client that is not TLS).
Peers run as "nobody" when this runs as root. Every wait is bounded. Exits 77 (skipped),
with the reason, when a peer program is not installed.

Under an emulator (--emulator, e.g. Wine) the C++ program runs through it and the peers on
the host, over loopback TCP; the Redis case is skipped there (Wine has no AF_UNIX).

usage: run_lines.py CASE --cpp PROGRAM --certs DIR [--emulator COMMAND]
"""
import argparse
import os
import pathlib
import pwd
import re
import shlex
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time

HERE = pathlib.Path(__file__).resolve().parent
LIMIT = 30  # seconds any one program may take
failures = []


def check(ok, what):
    print(("ok: " if ok else "FAIL: ") + what, file=sys.stderr if not ok else sys.stdout)
    if not ok:
        failures.append(what)


def skip_unless_installed(program, package):
    if shutil.which(program) is None:
        print(f"SKIP: {program} is not installed (Debian package {package})")
        sys.exit(77)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def as_peer_user():
    """Popen arguments that run a peer as nobody when this test runs as root."""
    if os.geteuid() != 0:
        return {}
    nobody = pwd.getpwnam("nobody")
    return {"user": nobody.pw_uid, "group": nobody.pw_gid, "extra_groups": []}


def give_to_peer(path):
    if os.geteuid() == 0:
        nobody = pwd.getpwnam("nobody")
        for p in [path, *path.rglob("*")]:
            os.chown(p, nobody.pw_uid, nobody.pw_gid)


def wait_until(ready, what, seconds=10):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if ready():
            return
        time.sleep(0.05)
    raise SystemExit(f"FAIL: {what} within {seconds} s")


def accepts(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


def stop(process):
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def cpp_command():
    return shlex.split(Args.emulator) + [Args.cpp]


def run_both(arguments, expected_output, should_succeed=True):
    """Runs the C++ and the Python version with the same arguments and checks both."""
    for name, command in (("portsock", cpp_command()), ("python", [sys.executable, str(HERE / Args.py)])):
        result = subprocess.run(command + [str(a) for a in arguments], capture_output=True, text=True,
                                timeout=LIMIT, stdin=subprocess.DEVNULL)
        output = result.stdout.strip()
        if should_succeed:
            check(result.returncode == 0 and output == expected_output,
                  f"{name} {arguments[-1]}: exit {result.returncode}, printed {output!r}, "
                  f"expected {expected_output!r} {result.stderr.strip()[-400:]}")
        else:
            check(result.returncode != 0 and output == "",
                  f"{name} fails as it must: exit {result.returncode} {result.stderr.strip()[-200:]!r}")


def case_https(work):
    skip_unless_installed("nginx", "nginx-light")
    www = work / "www"
    www.mkdir()
    (www / "file.bin").write_bytes(os.urandom(1024 * 1024 + 17))  # many TLS records, binary
    (work / "other.bin").write_bytes(os.urandom(1024 * 1024 + 17))
    shutil.copy(f"{Args.certs}/chain.pem", work / "chain.pem")
    shutil.copy(f"{Args.certs}/leaf.key", work / "leaf.key")
    port = free_port()
    temp_paths = "\n".join(f"    {kind}_temp_path {work}/{kind};"
                           for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    (work / "nginx.conf").write_text(f"""daemon off;
worker_processes 1;
pid {work}/nginx.pid;
error_log {work}/error.log;
events {{ worker_connections 64; }}
http {{
    access_log {work}/access.log;
{temp_paths}
    server {{
        listen 127.0.0.1:{port} ssl;
        server_name localhost;
        ssl_certificate {work}/chain.pem;
        ssl_certificate_key {work}/leaf.key;
        root {www};
    }}
}}
""")
    give_to_peer(work)
    nginx = subprocess.Popen(["nginx", "-p", str(work), "-c", str(work / "nginx.conf"), "-e", str(work / "error.log")],
                             stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                             **as_peer_user())
    try:
        wait_until(lambda: accepts(port) or nginx.poll() is not None, "nginx listens")
        if nginx.poll() is not None:
            raise SystemExit(f"FAIL: nginx exited: {nginx.stderr.read()!r} "
                             f"{(work / 'error.log').read_text() if (work / 'error.log').exists() else ''}")
        size = (www / "file.bin").stat().st_size
        run_both([port, f"{Args.certs}/ca.pem", "/file.bin", www / "file.bin"],
                 f"fetched {size} bytes, identical to {www / 'file.bin'}")
        # The check can fail: the same fetch compared with another file, and a missing file (404).
        run_both([port, f"{Args.certs}/ca.pem", "/file.bin", work / "other.bin"], "", should_succeed=False)
        run_both([port, f"{Args.certs}/ca.pem", "/missing.bin", www / "file.bin"], "", should_succeed=False)
        # And a CA that did not sign nginx's certificate: the handshake fails.
        run_both([port, f"{Args.certs}/other-ca.pem", "/file.bin", www / "file.bin"], "", should_succeed=False)
    finally:
        stop(nginx)


def case_redis(work):
    if Args.emulator:
        print("SKIP: the Redis client talks over a Unix socket, and the emulator (Wine 8) has no AF_UNIX")
        sys.exit(77)
    skip_unless_installed("redis-server", "redis-server")
    path = work / "redis.sock"
    redis = subprocess.Popen(["redis-server", "--port", "0", "--unixsocket", str(path), "--save", "",
                              "--appendonly", "no", "--dir", str(work), "--logfile", str(work / "redis.log")],
                             stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until(lambda: path.exists() or redis.poll() is not None, "redis-server makes its socket")
        check(redis.poll() is None, "redis-server runs")
        for count in (1, 1000):
            run_both([path, count], f"{count} SETs and {count} GETs pipelined, every reply as expected")
        run_both([work / "no-such.sock", 10], "", should_succeed=False)
    finally:
        stop(redis)


def case_memcached(work):
    skip_unless_installed("memcached", "memcached")
    port = free_port()
    memcached = subprocess.Popen(["memcached", "-l", "127.0.0.1", "-p", str(port), "-U", "0", "-m", "16"],
                                 stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                 **as_peer_user())
    try:
        wait_until(lambda: accepts(port) or memcached.poll() is not None, "memcached listens")
        check(memcached.poll() is None, "memcached runs")
        for _ in range(2):  # the second run finds the key deleted by the first, as it should
            run_both(["127.0.0.1", port], "set, get, delete, and a miss: every reply as expected")
    finally:
        stop(memcached)
    run_both(["127.0.0.1", port], "", should_succeed=False)  # nobody listens there now


def echo_client(port, payload, context):
    with socket.create_connection(("127.0.0.1", port), timeout=LIMIT) as raw:
        with context.wrap_socket(raw, server_hostname="localhost") as tls:
            tls.sendall(payload)
            received = b""
            while len(received) < len(payload):
                chunk = tls.recv(65536)
                if not chunk:
                    break
                received += chunk
            tls.unwrap()  # our close_notify; the server answers with its own
            return received


def plain_client_is_dropped(port):
    """A client that sends HTTP, not TLS: the server ends the connection (an alert at most)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as plain:
        plain.sendall(b"GET / HTTP/1.0\r\n\r\n")
        try:
            for _ in range(100):
                if not plain.recv(4096):
                    return True
        except ConnectionResetError:
            return True
        except socket.timeout:
            return False
    return False


def s_client_echo(openssl, port, line):
    """Sends one line through openssl s_client and returns the first line it prints back."""
    client = subprocess.Popen([openssl, "s_client", "-connect", f"127.0.0.1:{port}", "-servername", "localhost",
                               "-CAfile", f"{Args.certs}/ca.pem", "-verify_return_error", "-quiet"],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    watchdog = threading.Timer(LIMIT, client.kill)  # bounds the readline below
    watchdog.start()
    try:
        client.stdin.write(line + "\n")
        client.stdin.flush()
        return client.stdout.readline().rstrip("\n")
    finally:
        watchdog.cancel()
        stop(client)


def case_tls_echo(work):
    openssl = shutil.which("openssl")
    for name, command in (("portsock", cpp_command()), ("python", [sys.executable, str(HERE / Args.py)])):
        errors = open(work / f"{name}-server.err", "w+")
        server = subprocess.Popen(command + ["0", f"{Args.certs}/chain.pem", f"{Args.certs}/leaf.key"],
                                  stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=errors, text=True)
        watchdog = threading.Timer(LIMIT, server.kill)  # bounds the readline below
        watchdog.start()
        try:
            line = server.stdout.readline()
            watchdog.cancel()
            match = re.fullmatch(r"listening on port (\d+)\n", line)
            errors.seek(0)
            check(match is not None, f"{name} server starts: {line!r} {errors.read()[-400:]!r}")
            if not match:
                continue
            port = int(match.group(1))
            context = ssl.create_default_context(cafile=f"{Args.certs}/ca.pem")
            # A client that is not TLS at all, and one that stalls its handshake: neither holds the others.
            stalled = socket.create_connection(("127.0.0.1", port), timeout=LIMIT)
            check(plain_client_is_dropped(port), f"{name}: a client that is not TLS is dropped")
            started = time.monotonic()
            for size in (1, 16384, 1024 * 1024 + 3):
                payload = os.urandom(size)
                check(echo_client(port, payload, context) == payload, f"{name}: {size} bytes echoed")
            check(time.monotonic() - started < 8, f"{name}: the stalled client held nobody")
            stalled.close()
            if openssl:
                said = s_client_echo(openssl, port, "hello from s_client")
                check(said == "hello from s_client", f"{name}: openssl s_client's line echoed: {said!r}")
            check(server.poll() is None, f"{name} server still serving")
        finally:
            watchdog.cancel()
            stop(server)
            errors.close()


class Args:
    pass


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("case", choices=["https", "redis", "memcached", "tls_echo"])
    parser.add_argument("--cpp", required=True)
    parser.add_argument("--certs", required=True)
    parser.add_argument("--emulator", default="")
    parser.parse_args(namespace=Args)
    Args.py = {"https": "https_fetch.py", "redis": "redis_pipeline.py", "memcached": "memcached_client.py",
               "tls_echo": "tls_echo_server.py"}[Args.case]
    with tempfile.TemporaryDirectory() as temp:
        work = pathlib.Path(temp)
        os.chmod(work, 0o755)
        globals()["case_" + Args.case](work)
    if failures:
        print(f"{len(failures)} check(s) failed", file=sys.stderr)
        return 1
    return 0


sys.exit(main())
