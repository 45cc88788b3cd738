"""Python `websockets` (Debian python3-websockets) under test, with the bench's paths:
/echo and /z echo (compression is negotiated when the client asks, the library's default),
/multi answers with 10 sends, /bcast broadcasts to every connection of the group.
Prints LISTENING <port>; exits when stdin closes."""
import asyncio
import os
import sys
import threading

import websockets

GROUP = set()
MULTI_FRAMES = 10


async def handler(ws, path):
    if path == "/multi":
        async for msg in ws:
            for _ in range(MULTI_FRAMES):
                await ws.send(msg)
    elif path == "/bcast":
        GROUP.add(ws)
        try:
            async for msg in ws:
                websockets.broadcast(GROUP, msg)
        finally:
            GROUP.discard(ws)
    else:
        async for msg in ws:
            await ws.send(msg)


def exit_when_stdin_closes():
    for _ in sys.stdin:
        pass
    os._exit(0)


async def main():
    server = await websockets.serve(handler, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    print(f"LISTENING {port}", flush=True)
    await asyncio.Future()


threading.Thread(target=exit_when_stdin_closes, daemon=True).start()
asyncio.run(main())
