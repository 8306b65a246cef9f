# Fetches https://localhost:PORT/PATH over TLS, trusting CA.pem, and checks that the body is,
# byte for byte, the file EXPECTED. One deadline bounds the whole request.
# (https_fetch.cpp is the same program with portsock; tests/bench/count_lines.py counts both.)
#
# usage: https_fetch.py PORT CA.pem PATH EXPECTED
import asyncio
import ssl
import sys


async def fetch(context, port, path):
    async with asyncio.timeout(10):
        reader, writer = await asyncio.open_connection("localhost", port, ssl=context)
        writer.write(f"GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".encode())
        status = await reader.readline()
        if b" 200 " not in status:
            raise RuntimeError(status.decode())
        length = 0
        while (line := await reader.readline()) not in (b"\r\n", b""):  # to the blank line
            name, _, value = line.partition(b":")
            if name.lower() == b"content-length":
                length = int(value)
        body = await reader.readexactly(length)
        writer.close()
        return body


def main():
    port, ca, path, expected = sys.argv[1:]
    context = ssl.create_default_context(cafile=ca)
    body = asyncio.run(fetch(context, int(port), path))
    with open(expected, "rb") as file:
        if body != file.read():
            sys.exit(f"https_fetch.py: the body differs from {expected}")
    print(f"fetched {len(body)} bytes, identical to {expected}")


main()
