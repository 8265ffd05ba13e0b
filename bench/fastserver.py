"""A minimal HTTP/1.1 keep-alive server for the benchmarks, run as its own process (own GIL).

It is not the local API server (``ftjobs serve``): it does no auth, no routing beyond two shapes and
no bookkeeping, so that it is never the bottleneck (``bench.percall`` prints its raw-socket
ceiling). Any ``GET .../fine_tuning/jobs/ID`` answers the fixed full job of ``bench._common.JOB``;
``GET .../fine_tuning/jobs?limit=&after=`` paginates ``--total`` synthetic jobs (ids
``ftjob-<24 digits>``), newest first like the API. A job id starting ``ftjob-wait-`` is ``running``
until ``--lifetime`` seconds after it was first asked for, then ``succeeded`` (for ``wait()``).
``python -m bench.fastserver`` prints the port.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from urllib.parse import parse_qsl

from ._common import JOB_BYTES, JOB_ID

_ID = JOB_ID.encode()
_HEAD, _TAIL = JOB_BYTES.split(_ID)


def _response(body: bytes) -> bytes:
    head = f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    return head.encode("ascii") + body


class Jobs:
    """The synthetic job list: index i has id ftjob-<i>, the highest index is the newest."""

    def __init__(self, total: int, lifetime: float) -> None:
        self.total = total
        self.lifetime = lifetime
        self.retrieve = _response(JOB_BYTES)
        self.running = _response(JOB_BYTES.replace(b'"status": "succeeded"', b'"status": "running"'))
        self.first_seen: dict[str, float] = {}

    def job(self, path: str) -> bytes:
        job_id = path.rsplit("/", 1)[-1]
        if not job_id.startswith("ftjob-wait-"):
            return self.retrieve
        now = time.monotonic()
        first = self.first_seen.setdefault(job_id, now)
        return self.running if now - first < self.lifetime else self.retrieve

    def page(self, query: str) -> bytes:
        args = dict(parse_qsl(query))
        limit = max(1, min(int(args.get("limit", 20)), 100))
        after = args.get("after")
        start = self.total - 1 if after is None else int(after.removeprefix("ftjob-")) - 1
        stop = max(start - limit, -1)
        items = b",".join(_HEAD + b"ftjob-%024d" % i + _TAIL for i in range(start, stop, -1))
        has_more = b"true" if stop >= 0 else b"false"
        return _response(b'{"object": "list", "data": [' + items + b'], "has_more": ' + has_more + b"}")


class Protocol(asyncio.Protocol):
    def __init__(self, jobs: Jobs) -> None:
        self.jobs = jobs
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        out = []
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                break
            head = self.buffer[:end]
            length = 0
            lower = head.lower() + b"\r\n"
            at = lower.find(b"\r\ncontent-length:")
            if at >= 0:
                length = int(lower[at + 17 : lower.find(b"\r\n", at + 2)])
            if len(self.buffer) < end + 4 + length:
                break
            self.buffer = self.buffer[end + 4 + length :]
            target = head[: head.find(b"\r\n")].split(b" ")[1].decode()
            path, _, query = target.partition("?")
            if path.rstrip("/").endswith("/fine_tuning/jobs"):
                out.append(self.jobs.page(query))
            else:
                out.append(self.jobs.job(path))
        if out and self.transport is not None:
            self.transport.write(b"".join(out))


async def serve(port: int, total: int, lifetime: float) -> None:
    jobs = Jobs(total, lifetime)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: Protocol(jobs), "127.0.0.1", port, backlog=1024)
    sock = server.sockets[0]
    print(sock.getsockname()[1], flush=True)
    async with server:
        await server.serve_forever()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--total", type=int, default=100_000, help="jobs in the list")
    parser.add_argument("--lifetime", type=float, default=10.0, help="seconds a ftjob-wait-* job runs")
    args = parser.parse_args(argv)
    try:
        asyncio.run(serve(args.port, args.total, args.lifetime))
    except KeyboardInterrupt:
        sys.exit(0)


if __name__ == "__main__":
    main()
