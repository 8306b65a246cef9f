#!/usr/bin/env python3
"""End-to-end tests of the TLS samples against real peers: openssl s_server / s_client and
Python's ssl module. Each case starts its peers itself, stops them by PID, and bounds every
wait. Certificates come from make_certs.sh (run first, in --certs).

usage: run_tls_samples.py --case NAME --certs DIR --bin-dir DIR [--emulator CMD]
"""
import argparse
import http.server
import re
import shlex
import socket
import ssl
import subprocess
import sys
import threading
import time

WELCOME = "Welcome to the server!"
PEER = r"(127\.0\.0\.1|\[::1\]|\[::ffff:127\.0\.0\.1\]):[0-9]+"
LIMIT = 30  # seconds any one process may take

failures = []


def check(ok, what):
    if not ok:
        failures.append(what)
        print("FAIL: " + what, file=sys.stderr)


def text(data):
    return data.decode(errors="replace").replace("\r", "")


class Args:
    pass


def sample(name, *arguments):
    return shlex.split(Args.emulator) + [f"{Args.bin_dir}/{name}{Args.exe_suffix}"] + [str(a) for a in arguments]


def cert(name):
    return f"{Args.certs}/{name}"


def start_sample_server(clients, certificate="chain.pem"):
    """Starts tls_welcome_server on port 0 and returns (process, port) once it listens."""
    process = subprocess.Popen(sample("tls_welcome_server", 0, cert(certificate), cert("leaf.key"), clients),
                               stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    line = text(process.stdout.readline())
    match = re.match(r"Server is listening on port (\d+)\.\.\.", line)
    if not match:
        process.kill()
        raise SystemExit(f"the server did not start: {line!r} {text(process.stderr.read())}")
    return process, int(match.group(1)), line


def finish(process):
    """Waits (bounded) for a process and returns (status, stdout, stderr); kills it if late."""
    try:
        out, err = process.communicate(timeout=LIMIT)
    except subprocess.TimeoutExpired:
        process.kill()
        out, err = process.communicate()
        check(False, f"{process.args} did not finish within {LIMIT} s")
    return process.returncode, text(out), text(err)


def start_s_server(certificate, *extra, stdin_text=None):
    """Starts openssl s_server on a free port (it prints the one it got) for one client."""
    process = subprocess.Popen(["openssl", "s_server", "-accept", "0", "-naccept", "1", "-cert", cert(certificate),
                                "-key", cert("leaf.key"), *extra],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + LIMIT
    while time.monotonic() < deadline:
        line = text(process.stdout.readline())
        match = re.match(r"ACCEPT .*:(\d+)$", line.strip())
        if match:
            if stdin_text is not None:
                process.stdin.write(stdin_text.encode())
                process.stdin.flush()
            return process, int(match.group(1))
        if not line:
            break
    process.kill()
    raise SystemExit("openssl s_server did not print its port")


def run_client(name, *arguments):
    return subprocess.run(sample(name, *arguments), stdin=subprocess.DEVNULL, capture_output=True, timeout=LIMIT)


def python_client_context():
    context = ssl.create_default_context(cafile=cert("ca.pem"))
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


def python_receive_all(context, port):
    """A Python ssl client: everything the server sends until its close_notify."""
    with socket.create_connection(("localhost", port), timeout=LIMIT) as raw:
        with context.wrap_socket(raw, server_hostname="localhost") as tls:
            chunks = []
            while True:
                data = tls.recv(4096)  # raises SSLEOFError if the stream ends without close_notify
                if not data:
                    return b"".join(chunks)
                chunks.append(data)


def python_server(certificate, handle):
    """A Python ssl server for one client on a free port; `handle(tls)` serves it."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert(certificate), cert("leaf.key"))
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(LIMIT)
    errors = []

    def serve():
        try:
            raw, _ = listener.accept()
            raw.settimeout(LIMIT)
            with context.wrap_socket(raw, server_side=True) as tls:
                handle(tls)
        except (OSError, ssl.SSLError) as error:
            errors.append(error)
        finally:
            listener.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    return thread, listener.getsockname()[1], errors


def expect_sample_server_output(out, port, connections):
    expected = [f"Server is listening on port {port}..."] + ["Connection from X has been established!"] * connections
    lines = out.splitlines()
    check(len(lines) == len(expected), f"server printed {lines!r}")
    for line in lines[1:]:
        check(re.fullmatch(f"Connection from {PEER} has been established!", line) is not None, f"server line {line!r}")


# --- the cases -----------------------------------------------------------------------------

def case_welcome_pair():
    server, port, first = start_sample_server(1)
    client = run_client("tls_welcome_client", port, "localhost", cert("ca.pem"))
    status, out, err = finish(server)
    check(status == 0, f"server status {status}: {err}")
    expect_sample_server_output(first + out, port, 1)
    check(client.returncode == 0, f"client status {client.returncode}: {text(client.stderr)}")
    check(text(client.stdout) == WELCOME + "\n", f"client printed {text(client.stdout)!r}")
    print(first + out + text(client.stdout), end="")


def case_server_vs_s_client():
    server, port, first = start_sample_server(1)
    client = subprocess.run(["openssl", "s_client", "-connect", f"localhost:{port}", "-CAfile", cert("ca.pem"),
                             "-verify_return_error", "-verify_hostname", "localhost", "-servername", "localhost",
                             "-ign_eof"], stdin=subprocess.DEVNULL, capture_output=True, timeout=LIMIT)
    status, out, err = finish(server)
    check(status == 0 and err == "", f"server status {status}: {err}")
    expect_sample_server_output(first + out, port, 1)
    said = text(client.stdout)
    check(WELCOME in said, f"s_client did not get the welcome: {said[-400:]!r}")
    check("Verify return code: 0 (ok)" in said, "s_client did not verify the server")
    check("DONE" in text(client.stderr) or "closed" in text(client.stderr) or client.returncode == 0,
          f"s_client: {text(client.stderr)}")


def case_server_vs_python_client():
    server, port, first = start_sample_server(1)
    received = python_receive_all(python_client_context(), port)  # fails unless close_notify came
    status, out, err = finish(server)
    check(status == 0 and err == "", f"server status {status}: {err}")
    check(received.decode() == WELCOME, f"python client got {received!r}")
    expect_sample_server_output(first + out, port, 1)


def case_server_survives_bad_clients():
    server, port, first = start_sample_server(5)
    def bad_client(payload):  # sends, then reads the server's alert (or its reset) until it closes
        with socket.create_connection(("localhost", port), timeout=LIMIT) as connection:
            try:
                connection.sendall(payload)
                while connection.recv(1024):
                    pass
            except ConnectionResetError:
                pass
    bad_client(b"GET / HTTP/1.0\r\n\r\n")  # plain TCP, not TLS
    socket.create_connection(("localhost", port), timeout=LIMIT).close()  # gone at once
    bad_client(bytes((i * 37 + 11) % 256 for i in range(700)))  # garbage
    distrust = ssl.create_default_context()  # does not trust the test CA: rejects the server
    try:
        python_receive_all(distrust, port)
        check(False, "a client without the CA accepted the server")
    except ssl.SSLCertVerificationError:
        pass
    received = python_receive_all(python_client_context(), port)
    status, out, err = finish(server)
    check(status == 0, f"server status {status}: {err}")
    check(received.decode() == WELCOME, f"the good client after the bad ones got {received!r}")
    expect_sample_server_output(first + out, port, 1)
    errors = [line for line in err.splitlines() if line.startswith("tls_welcome_server: ")]
    check(len(errors) == 4, f"one error line per bad client expected: {err!r}")
    print(err, end="")


def case_silent_client_does_not_hold_the_next():
    """A client that connects and says nothing holds only its own thread: the next client
    is served at once, long before the silent one's 10 s handshake limit."""
    server, port, first = start_sample_server(3)
    silent = [socket.create_connection(("localhost", port), timeout=LIMIT) for _ in range(2)]
    started = time.monotonic()
    received = python_receive_all(python_client_context(), port)
    elapsed = time.monotonic() - started
    check(received.decode() == WELCOME, f"the client after two silent ones got {received!r}")
    check(elapsed < 5, f"the client after two silent ones waited {elapsed:.1f} s (the handshake limit is 10 s)")
    for connection in silent:  # they fail their handshake now, each in its own thread
        connection.close()
    status, out, err = finish(server)
    check(status == 0, f"server status {status}: {err}")
    expect_sample_server_output(first + out, port, 1)
    errors = [line for line in err.splitlines() if line.startswith("tls_welcome_server: ")]
    check(len(errors) == 2, f"one error line per silent client expected: {err!r}")
    print(f"served the next client in {elapsed:.2f} s beside two silent ones; {err}", end="")


def case_client_vs_s_server():
    server, port = start_s_server("chain.pem", stdin_text=WELCOME + "\n")
    client = run_client("tls_welcome_client", port, "localhost", cert("ca.pem"))
    server.kill()
    server.wait()
    check(client.returncode == 0, f"client status {client.returncode}: {text(client.stderr)}")
    check(text(client.stdout).startswith(WELCOME), f"client printed {text(client.stdout)!r}")


def case_client_vs_python_server():
    def welcome(tls):
        tls.sendall(WELCOME.encode())
        try:
            tls.unwrap()  # sends close_notify, then waits for the client's, which it may not send
        except OSError:
            pass
    thread, port, errors = python_server("server.pem", welcome)
    client = run_client("tls_welcome_client", port, "localhost", cert("ca.pem"))
    thread.join(LIMIT)
    check(client.returncode == 0, f"client status {client.returncode}: {text(client.stderr)}")
    check(text(client.stdout) == WELCOME + "\n", f"client printed {text(client.stdout)!r}")
    check(not errors, f"python server: {errors}")


def case_client_rejects_bad_certificates():
    reasons = {"expired.pem": "certificate has expired", "future.pem": "certificate is not yet valid",
               "wronghost.pem": "hostname mismatch", "untrusted.pem": "unable to get local issuer certificate",
               "selfsigned.pem": "self"}
    cases = [(certificate, (), "localhost", "ca.pem", reason) for certificate, reason in reasons.items()]
    # The two met first in practice (the TLS guide's table lists them too): an IP address
    # the certificate does not carry, and a chain whose self-signed root is not trusted.
    cases += [("wronghost.pem", (), "127.0.0.1", "ca.pem", "IP address mismatch"),
              ("server.pem", ("-cert_chain", cert("ca.pem")), "localhost", "other-ca.pem",
               "self-signed certificate in certificate chain")]
    for certificate, extra, host, authority, reason in cases:
        server, port = start_s_server(certificate, *extra)
        client = run_client("tls_welcome_client", port, host, cert(authority))
        server.kill()
        server.wait()
        err = text(client.stderr)
        check(client.returncode == 1, f"{certificate}: client status {client.returncode}")
        check("certificate verify failed: " in err and reason in err, f"{certificate}: {err!r}")
        print(certificate + ": " + err.strip())


def case_client_vs_plain_tcp_and_cut_streams():
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def plain():
        connection, _ = listener.accept()
        connection.sendall(WELCOME.encode() + b"\r\n" + b"x" * 100)
        time.sleep(0.5)
        connection.close()
    thread = threading.Thread(target=plain, daemon=True)
    thread.start()
    client = run_client("tls_welcome_client", port, "localhost", cert("ca.pem"))
    thread.join(LIMIT)
    check(client.returncode == 1 and "handshake failed" in text(client.stderr),
          f"plain TCP server: status {client.returncode}, {text(client.stderr)!r}")
    print("plain TCP server: " + text(client.stderr).strip())

    def cut(tls):  # part of a response, then the TCP stream ends without close_notify
        tls.recv(4096)
        tls.sendall(b"HTTP/1.1 200 OK\r\nContent-Le")
        tls.shutdown(socket.SHUT_RDWR)  # an SSLSocket's shutdown() is TCP's: no close_notify
    thread, port, errors = python_server("server.pem", cut)
    result = subprocess.run(sample("https_get", f"https://localhost:{port}/", cert("ca.pem")),
                            stdin=subprocess.DEVNULL, capture_output=True, timeout=LIMIT)
    thread.join(LIMIT)
    check(result.returncode == 1 and "close_notify" in text(result.stderr),
          f"cut stream: status {result.returncode}, {text(result.stderr)!r}")
    print("cut stream: " + text(result.stderr).strip())


class Handler(http.server.BaseHTTPRequestHandler):
    body = b"portsock " * 1371 + b"!"

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args):
        pass


def case_https_get_vs_python():
    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert("chain.pem"), cert("leaf.key"))
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.handle_request, daemon=True)
    thread.start()
    port = server.server_address[1]
    result = subprocess.run(sample("https_get", f"https://localhost:{port}/index.html", cert("ca.pem")),
                            stdin=subprocess.DEVNULL, capture_output=True, timeout=LIMIT)
    thread.join(LIMIT)
    server.server_close()
    out = text(result.stdout)
    check(result.returncode == 0, f"https_get status {result.returncode}: {text(result.stderr)}")
    check(out == f"HTTP/1.0 200 OK\nbody: {len(Handler.body)} bytes\n", f"https_get printed {out!r}")
    print(out, end="")


def case_https_get_vs_s_server():
    server, port = start_s_server("chain.pem", "-www")
    result = subprocess.run(sample("https_get", f"https://127.0.0.1:{port}/", cert("ca.pem")),
                            stdin=subprocess.DEVNULL, capture_output=True, timeout=LIMIT)
    server.kill()
    server.wait()
    out = text(result.stdout)
    check(result.returncode == 0, f"https_get status {result.returncode}: {text(result.stderr)}")
    check(re.fullmatch(r"HTTP/1\.0 200 ok\nbody: [1-9][0-9]* bytes\n", out) is not None, f"https_get printed {out!r}")
    print(out, end="")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--case", required=True)
    parser.add_argument("--certs", required=True)
    parser.add_argument("--bin-dir", required=True)
    parser.add_argument("--emulator", default="")
    parser.add_argument("--exe-suffix", default="")
    options = parser.parse_args()
    Args.certs, Args.bin_dir, Args.emulator, Args.exe_suffix = (options.certs, options.bin_dir, options.emulator,
                                                                 options.exe_suffix)
    globals()["case_" + options.case]()
    if failures:
        print(f"{len(failures)} check(s) failed", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
