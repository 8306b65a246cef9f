# A Redis client over a local (Unix-domain) socket, pipelining: N SETs in one write, then
# their N replies; N GETs in one write, then their N values. Every reply is checked.
# (redis_pipeline.cpp is the same program with portsock; tests/bench/count_lines.py counts both.)
#
# usage: redis_pipeline.py SOCKET N
import asyncio
import sys


async def pipeline(path, count):
    async with asyncio.timeout(10):
        reader, writer = await asyncio.open_unix_connection(path)
        writer.write("".join(f"SET key:{i} value-{i}\r\n" for i in range(count)).encode())
        for i in range(count):
            if (reply := await reader.readline()) != b"+OK\r\n":
                raise RuntimeError(f"SET: {reply}")
        writer.write("".join(f"GET key:{i}\r\n" for i in range(count)).encode())
        for i in range(count):
            length = int((await reader.readline())[1:])  # "$7\r\n": the value's length
            value = await reader.readexactly(length + 2)  # and its "\r\n"
            if value != f"value-{i}\r\n".encode():
                raise RuntimeError(f"GET: {value}")
        writer.close()
    print(f"{count} SETs and {count} GETs pipelined, every reply as expected")


path, count = sys.argv[1:]
asyncio.run(pipeline(path, int(count)))
