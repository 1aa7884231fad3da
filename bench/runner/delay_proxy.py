#!/usr/bin/env python3
"""A TCP proxy that puts a target far away: every byte it forwards arrives DELAY_MS later, in
each direction (so an exchange costs 2 x DELAY_MS more), and a new connection first waits one
round trip (2 x DELAY_MS) before its first byte leaves, as a TCP handshake with a far server
would: the first exchange on a connection costs two round trips. Order is kept and
forwarding is pipelined: a chunk is delayed, not queued behind the delay of the one before.

    delay_proxy.py --upstream HOST:PORT [--delay-ms 25] [--listen 127.0.0.1]

Listens on a free port of the loopback address and prints "listening on http://HOST:PORT" on
standard error once it accepts connections; stops on SIGTERM or SIGINT. For the benchmark
bench/runner/far_target.sh --via proxy (docs/runner.md, "A far target"); loopback only.
"""
import argparse
import asyncio
import signal
import sys

CHUNK = 65536


async def pipe(reader, writer, delay, start):
    """Copies reader to writer, each chunk `delay` seconds after it was read, or after `start`
    (the end of the modelled handshake) if it was read before."""
    loop = asyncio.get_running_loop()
    queue = asyncio.Queue()

    async def read():
        try:
            while True:
                data = await reader.read(CHUNK)
                queue.put_nowait((max(loop.time(), start) + delay, data))
                if not data:
                    return
        except (ConnectionError, OSError):
            queue.put_nowait((loop.time(), b""))

    async def write():
        try:
            while True:
                due, data = await queue.get()
                wait = due - loop.time()
                if wait > 0:
                    await asyncio.sleep(wait)
                if not data:
                    if writer.can_write_eof():
                        writer.write_eof()
                    return
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass

    reading = asyncio.create_task(read())
    await write()
    reading.cancel()  # the other side is gone: stop reading what nobody will be sent
    try:
        await reading
    except asyncio.CancelledError:
        pass


async def serve(args):
    host, port = args.upstream.rsplit(":", 1)
    delay = args.delay_ms / 1000.0

    async def handle(client_reader, client_writer):
        loop = asyncio.get_running_loop()
        start = loop.time() + 2 * delay  # the handshake's round trip
        try:
            up_reader, up_writer = await asyncio.open_connection(host, int(port))
        except OSError:
            client_writer.close()
            return
        try:
            await asyncio.gather(pipe(client_reader, up_writer, delay, start),
                                 pipe(up_reader, client_writer, delay, start))
        finally:
            for w in (up_writer, client_writer):
                w.close()

    server = await asyncio.start_server(handle, args.listen, 0, backlog=1024)
    bound = server.sockets[0].getsockname()
    print(f"delay proxy listening on http://{bound[0]}:{bound[1]}", file=sys.stderr, flush=True)
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(sig, stop.set)
    async with server:
        await stop.wait()


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--upstream", required=True, help="HOST:PORT to forward to")
    p.add_argument("--delay-ms", type=float, default=25.0, help="delay each way (default 25)")
    p.add_argument("--listen", default="127.0.0.1", help="IPv4 address to listen on (loopback)")
    asyncio.run(serve(p.parse_args()))


if __name__ == "__main__":
    main()
