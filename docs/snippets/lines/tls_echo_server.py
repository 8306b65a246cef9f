# A TLS echo server for many clients on one thread: each client's bytes come back to it
# until it ends its side with close_notify, and the server answers with its own. A client
# that stalls its handshake is cut off after 10 s and holds nobody else meanwhile.
# (tls_echo_server.cpp is the same program with portsock; tests/bench/count_lines.py counts both.)
#
# usage: tls_echo_server.py PORT CERT.pem KEY.pem    (PORT 0: the OS picks one; printed)
import asyncio
import ssl
import sys


async def echo(reader, writer):
    try:  # a client's failure ends that client only
        while data := await reader.read(16384):
            writer.write(data)
            await asyncio.wait_for(writer.drain(), 10)
        writer.close()
        await asyncio.wait_for(writer.wait_closed(), 10)
    except (OSError, ssl.SSLError, asyncio.TimeoutError):
        writer.transport.abort()


async def serve(port, context):
    server = await asyncio.start_server(echo, "127.0.0.1", port, ssl=context, ssl_handshake_timeout=10)
    print(f"listening on port {server.sockets[0].getsockname()[1]}", flush=True)
    await server.serve_forever()


port, cert, key = sys.argv[1:]
context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
context.load_cert_chain(cert, key)
asyncio.run(serve(int(port), context))
