#!/usr/bin/env python3
"""Serves one HTTPS GET on a free loopback port and exits (bounded by a timeout).
Prints the port on the first line. usage: https_once.py <cert chain> <key>"""
import http.server
import ssl
import sys


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = b"hello from https_once\n"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(sys.argv[1], sys.argv[2])
server.socket = context.wrap_socket(server.socket, server_side=True)
server.timeout = 60
print(server.server_address[1], flush=True)
server.handle_request()
