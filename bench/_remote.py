"""A loopback stand-in for remote servers, run as its own process (so it never competes with the
instance under test for the GIL).

    python bench/_remote.py DOCS.json PORT [PORT ...]

Listens on 127.0.0.1 at every PORT given. GET of a path in DOCS answers that document as
application/activity+json; any POST answers 202 at once and is counted. GET /_stats answers
{"posts": n, "gets": n, "posts_by_port": {...}}. It exits by itself after --lifetime seconds
(default 600) in case its parent dies; normally the parent terminates it.
"""

import asyncio
import json
import sys
from collections import Counter

from aiohttp import web

AP = "application/activity+json"


async def main(docs_path: str, ports: list[int], lifetime: float) -> None:
    with open(docs_path) as f:
        docs = {path: json.dumps(doc).encode() for path, doc in json.load(f).items()}
    posts: Counter = Counter()
    gets = 0

    async def handle(request: web.Request) -> web.Response:
        nonlocal gets
        if request.method == "POST":
            await request.read()
            posts[request.url.port] += 1
            return web.Response(status=202)
        if request.path == "/_stats":
            return web.json_response({"posts": sum(posts.values()), "gets": gets,
                                      "posts_by_port": {str(k): v for k, v in posts.items()}})
        gets += 1
        body = docs.get(request.path)
        if body is None:
            return web.Response(status=404)
        return web.Response(body=body, content_type=AP)

    app = web.Application(client_max_size=4 * 1024 * 1024)
    app.router.add_route("*", "/{tail:.*}", handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    for port in ports:
        await web.TCPSite(runner, "127.0.0.1", port, backlog=1024).start()
    print("ready", flush=True)
    await asyncio.sleep(lifetime)
    await runner.cleanup()


if __name__ == "__main__":
    args = sys.argv[1:]
    lifetime = 600.0
    if "--lifetime" in args:
        i = args.index("--lifetime")
        lifetime = float(args[i + 1])
        del args[i:i + 2]
    asyncio.run(main(args[0], [int(p) for p in args[1:]], lifetime))
