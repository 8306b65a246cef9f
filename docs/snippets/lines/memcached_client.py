# A memcached client (the text protocol): set, get, delete, then a get and a delete that
# miss. Every reply is checked.
# (memcached_client.cpp is the same program with portsock; tests/bench/count_lines.py counts both.)
#
# usage: memcached_client.py HOST PORT
import asyncio
import sys


async def expect(reader, writer, command, expected):
    writer.write(command.encode())
    reply = b"".join([await reader.readline() for _ in range(expected.count("\n"))])  # as many lines
    if reply.decode() != expected:
        raise RuntimeError(f"{command!r} -> {reply!r}")


async def session(host, port):
    async with asyncio.timeout(10):
        reader, writer = await asyncio.open_connection(host, port)
        await expect(reader, writer, "set greeting 0 0 22\r\nWelcome to the server!\r\n", "STORED\r\n")
        await expect(reader, writer, "get greeting\r\n", "VALUE greeting 0 22\r\nWelcome to the server!\r\nEND\r\n")
        await expect(reader, writer, "delete greeting\r\n", "DELETED\r\n")
        await expect(reader, writer, "get greeting\r\n", "END\r\n")
        await expect(reader, writer, "delete greeting\r\n", "NOT_FOUND\r\n")
        writer.close()
    print("set, get, delete, and a miss: every reply as expected")


host, port = sys.argv[1:]
asyncio.run(session(host, int(port)))
