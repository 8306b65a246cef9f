#!/usr/bin/env python3
"""portsock::async against Python's asyncio, both ways. Every wait is bounded.

  server  async_echo_server serves 200 asyncio clients at once, each sending 64 KiB in
          pieces and reading its echo, one of them reading late (backpressure); and a chat
          server (async_chat_server) drops an asyncio client that never reads, while the
          others go on talking.
  client  asyncio_echo_client (a portsock::async program) connects by name, RFC 8305, to an
          asyncio echo server, with 100 connections at once.

usage: asyncio_peers_test.py server ECHO_SERVER CHAT_SERVER [EMULATOR]
       asyncio_peers_test.py client ASYNC_CLIENT [EMULATOR]
"""
import asyncio
import os
import re
import subprocess
import sys



def emulator_prefix(extra):
    return [e for e in extra.split() if e]


async def start(program, emulator, *args):
    proc = await asyncio.create_subprocess_exec(*emulator, program, *args,
                                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    first = await asyncio.wait_for(proc.stdout.readline(), 60)
    match = re.search(rb"port (\d+)", first)
    if not match:
        proc.kill()
        sys.exit(f"FAIL: {program} did not say its port: {first!r}")
    return proc, int(match.group(1))


async def echo_client(port, index, late):
    reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 30)
    payload = bytes((index + i) % 251 for i in range(64 * 1024))
    for start in range(0, len(payload), 4096):
        writer.write(payload[start:start + 4096])
    await writer.drain()
    if late:
        await asyncio.sleep(1.0)  # the server's send_all must wait, not buffer or drop
    echoed = await asyncio.wait_for(reader.readexactly(len(payload)), 60)
    writer.close()
    await writer.wait_closed()
    if echoed != payload:
        raise AssertionError(f"client {index}: echo differs")


async def server_case(echo_server, chat_server, emulator):
    clients = 200
    proc, port = await start(echo_server, emulator, "0", str(clients))
    try:
        await asyncio.wait_for(asyncio.gather(*(echo_client(port, i, i % 50 == 0) for i in range(clients))), 90)
        status = await asyncio.wait_for(proc.wait(), 30)
    finally:
        if proc.returncode is None:
            proc.kill()
    if status != 0:
        sys.exit(f"FAIL: async_echo_server exited with {status}")
    print(f"PASS: async_echo_server echoed 64 KiB to {clients} asyncio clients, some reading late")

    proc, port = await start(chat_server, emulator, "0")
    try:
        async def join():
            reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 30)
            welcome = await asyncio.wait_for(reader.readline(), 30)
            if not welcome.startswith(b"Welcome, "):
                sys.exit(f"FAIL: expected a welcome, got {welcome!r}")
            return reader, writer, welcome[len(b"Welcome, "):-2]
        a_reader, a_writer, a_name = await join()
        b_reader, b_writer, _ = await join()
        _, deaf_writer, _ = await join()  # never reads: must be dropped, not hold the others
        line = b"x" * 1000 + b"\n"
        for _ in range(3000):  # 3 MB for the deaf client, more than the server keeps for it
            a_writer.write(line)
            await a_writer.drain()
            heard = await asyncio.wait_for(b_reader.readline(), 30)
            if heard != a_name + b": " + line:
                sys.exit(f"FAIL: b heard {heard[:40]!r}")
        print("PASS: async_chat_server kept serving while a client did not read")
        for w in (a_writer, b_writer, deaf_writer):
            w.close()
    finally:
        proc.kill()
        await proc.wait()


async def handle_echo(reader, writer):
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    finally:
        writer.close()


async def client_case(client, emulator):
    server = await asyncio.start_server(handle_echo, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        proc = await asyncio.create_subprocess_exec(*emulator, client, str(port), "100",
                                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        out, err = await asyncio.wait_for(proc.communicate(), 90)
    sys.stdout.write(out.decode(errors="replace"))
    if proc.returncode != 0 or b"PASS" not in out:
        sys.exit(f"FAIL: asyncio_echo_client exited with {proc.returncode}: {err.decode(errors='replace')}")


def main():
    case = sys.argv[1]
    if case == "server":
        asyncio.run(server_case(sys.argv[2], sys.argv[3], emulator_prefix(sys.argv[4] if len(sys.argv) > 4 else "")))
    else:
        asyncio.run(client_case(sys.argv[2], emulator_prefix(sys.argv[3] if len(sys.argv) > 3 else "")))


main()
