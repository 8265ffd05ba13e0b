"""Goal 2: per-call overhead of ``jobs.retrieve`` against a fast local server, over keep-alive.

The server is ``bench.fastserver`` in its own process. Each contender runs in a fresh child process
(``python -m bench.percall KIND URL N``: no shared import state or heap between clients), warms up,
then times N sequential calls (sync) or 1,000 calls at concurrency 32 (async) and prints calls/s.
Contenders alternate, rounds rotate the order, the median is kept. The raw-socket client is the
server's own ceiling: if it is far above every client, the server is not the bottleneck.

Peers: bare httpx2 (the stack ftjobs runs on: ``Client.get`` + ``json.loads``, and its transport
alone), bare httpx (while it is installed), the official SDK. Sync children also print their client
CPU time per call, shown beside the rates: it counts only the client, so the other sessions on a
shared machine disturb it less than calls/s.
"""

from __future__ import annotations

import asyncio
import json
import socket
import sys
import time
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from ._common import API_KEY, JOB_ID, PYTHON, Row, alternate, compare, fast_server, median, run_child

SYNC_CALLS = 1500
ASYNC_CALLS = 1000
CONCURRENCY = 32
WARMUP = 200
SYNC_KINDS = ("raw-socket", "httpx", "httpx2", "httpx2-transport", "ftjobs", "openai")
ASYNC_KINDS = (
    "raw-asyncio",
    "httpx-async",
    "httpx2-async",
    "ftjobs-async",
    "openai-async",
    "ftjobs-async-pool100",
)


def _request_bytes(base_url: str) -> tuple[str, int, bytes]:
    url = urlsplit(base_url)
    path = f"{url.path}/fine_tuning/jobs/{JOB_ID}"
    head = f"GET {path} HTTP/1.1\r\nHost: {url.netloc}\r\nAuthorization: Bearer {API_KEY}\r\n\r\n"
    return url.hostname or "127.0.0.1", url.port or 80, head.encode()


def _read_response(recv: Callable[[], bytes], buffer: bytes) -> tuple[bytes, bytes]:
    """(body, leftover) of one Content-Length response read with recv."""
    while (end := buffer.find(b"\r\n\r\n")) < 0:
        buffer += recv()
    head = buffer[:end].lower()
    at = head.find(b"content-length:") + 15
    stop = head.find(b"\r\n", at)
    length = int(head[at : stop if stop > 0 else None])
    while len(buffer) < end + 4 + length:
        buffer += recv()
    return buffer[end + 4 : end + 4 + length], buffer[end + 4 + length :]


def sync_call(kind: str, base_url: str) -> Callable[[], object]:
    """One call of kind, ready to repeat (the client is created once, connections are reused)."""
    if kind == "raw-socket":
        host, port, request = _request_bytes(base_url)
        sock = socket.create_connection((host, port))
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        state = [b""]

        def raw() -> object:
            sock.sendall(request)
            body, state[0] = _read_response(lambda: sock.recv(65536), state[0])
            return body

        return raw
    if kind == "httpx":
        import httpx

        client = httpx.Client(headers={"Authorization": f"Bearer {API_KEY}"})
        url = f"{base_url}/fine_tuning/jobs/{JOB_ID}"
        return lambda: json.loads(client.get(url).content)
    if kind == "httpx2":
        import httpx2

        client2 = httpx2.Client(headers={"Authorization": f"Bearer {API_KEY}"})
        url = f"{base_url}/fine_tuning/jobs/{JOB_ID}"
        return lambda: json.loads(client2.get(url).content)
    if kind == "httpx2-transport":  # the transport alone: what the engine drives (info)
        import httpx2

        transport = httpx2.HTTPTransport()
        url = f"{base_url}/fine_tuning/jobs/{JOB_ID}"
        headers = {"Authorization": f"Bearer {API_KEY}"}

        def bare_transport() -> object:
            response = transport.handle_request(httpx2.Request("GET", url, headers=headers))
            try:
                return json.loads(b"".join(response.stream))
            finally:
                response.close()

        return bare_transport
    if kind == "ftjobs":
        import ftjobs

        jobs = ftjobs.Client(api_key=API_KEY, base_url=base_url).jobs
        return lambda: jobs.retrieve(JOB_ID)
    if kind == "openai":
        import openai

        ft = openai.OpenAI(api_key=API_KEY, base_url=base_url).fine_tuning.jobs
        return lambda: ft.retrieve(JOB_ID)
    raise ValueError(kind)


async def async_call(kind: str, base_url: str) -> Callable[[], Awaitable[object]]:
    """One coroutine call of kind; concurrent calls share one client (one pool)."""
    if kind == "raw-asyncio":
        host, port, request = _request_bytes(base_url)
        pool: asyncio.Queue[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = asyncio.Queue()
        for _ in range(CONCURRENCY):
            pool.put_nowait(await asyncio.open_connection(host, port))

        async def raw() -> object:
            reader, writer = await pool.get()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            at = head.lower().find(b"content-length:") + 15
            body = await reader.readexactly(int(head[at : head.find(b"\r\n", at)]))
            pool.put_nowait((reader, writer))
            return body

        return raw
    if kind == "httpx-async":
        import httpx

        client = httpx.AsyncClient(headers={"Authorization": f"Bearer {API_KEY}"})
        url = f"{base_url}/fine_tuning/jobs/{JOB_ID}"

        async def bare() -> object:
            return json.loads((await client.get(url)).content)

        return bare
    if kind == "httpx2-async":
        import httpx2

        client2 = httpx2.AsyncClient(headers={"Authorization": f"Bearer {API_KEY}"})
        url = f"{base_url}/fine_tuning/jobs/{JOB_ID}"

        async def bare2() -> object:
            return json.loads((await client2.get(url)).content)

        return bare2
    if kind == "ftjobs-async":
        import ftjobs

        jobs = ftjobs.AsyncClient(api_key=API_KEY, base_url=base_url).jobs
        return lambda: jobs.retrieve(JOB_ID)
    if kind == "ftjobs-async-pool100":  # for contrast: httpx2's default 100-connection pool
        import httpx2

        import ftjobs

        http = httpx2.AsyncClient(limits=httpx2.Limits())
        jobs = ftjobs.AsyncClient(api_key=API_KEY, base_url=base_url, http_client=http).jobs
        return lambda: jobs.retrieve(JOB_ID)
    if kind == "openai-async":
        import openai

        ft = openai.AsyncOpenAI(api_key=API_KEY, base_url=base_url).fine_tuning.jobs
        return lambda: ft.retrieve(JOB_ID)
    raise ValueError(kind)


#: Client CPU seconds per call of the last sync measurement in this process (the child prints it).
_CPU: list[float] = []


def measure_sync(kind: str, base_url: str, calls: int) -> float:
    call = sync_call(kind, base_url)
    for _ in range(WARMUP):
        call()
    start, cpu = time.perf_counter(), time.process_time()
    for _ in range(calls):
        call()
    _CPU.append((time.process_time() - cpu) / calls)
    return calls / (time.perf_counter() - start)


async def _run_concurrently(call: Callable[[], Awaitable[object]], calls: int) -> None:
    remaining = [calls]

    async def worker() -> None:
        while remaining[0] > 0:
            remaining[0] -= 1
            await call()

    await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))


async def measure_async(kind: str, base_url: str, calls: int) -> float:
    call = await async_call(kind, base_url)
    await _run_concurrently(call, WARMUP)
    start = time.perf_counter()
    await _run_concurrently(call, calls)
    return calls / (time.perf_counter() - start)


#: kind -> client CPU µs per call, one sample per sync child (less sensitive to machine load than
#: calls/s, which also counts the server and the scheduler).
CPU_US: dict[str, list[float]] = {}


def _child_rate(kind: str, base_url: str) -> float:
    calls = ASYNC_CALLS if kind in ASYNC_KINDS else SYNC_CALLS
    child = run_child([PYTHON, "-m", "bench.percall", kind, base_url, str(calls)])
    fields = child.stdout.split()
    if len(fields) > 1:
        CPU_US.setdefault(kind, []).append(float(fields[1]))
    return float(fields[0])


def run(rounds: int = 7) -> list[Row]:
    """The goal-2 rows: calls/s of each contender, median of rounds, alternated."""
    with fast_server(total=1000) as server:
        url = server.base_url  # type: ignore[attr-defined]
        # no warm-up round: each child warms up itself before timing
        sync = alternate({k: (lambda k=k: _child_rate(k, url)) for k in SYNC_KINDS}, rounds, warmup=False)
        asyn = alternate({k: (lambda k=k: _child_rate(k, url)) for k in ASYNC_KINDS}, rounds, warmup=False)
    s = {k: median(v) for k, v in sync.items()}
    cpu = {k: median(v) for k, v in CPU_US.items()}
    a = {k: median(v) for k, v in asyn.items()}

    def fmt(rate: float) -> str:
        return f"{rate:,.0f}/s"

    return [
        compare(
            "2",
            "server ceiling: raw socket, sequential",
            s["raw-socket"],
            s["httpx"],
            fmt,
            "info: >> 1",
            peer_suffix=" httpx",
        ),
        compare("2", "retrieve calls/s vs httpx2.get+json.loads", s["ftjobs"], s["httpx2"], fmt, ">= 1.30"),
        compare("2", "retrieve calls/s vs httpx.get+json.loads", s["ftjobs"], s["httpx"], fmt, "info"),
        compare(
            "2",
            "retrieve calls/s vs httpx2 transport + json.loads (no client layer)",
            s["ftjobs"],
            s["httpx2-transport"],
            fmt,
            "info",
        ),
        compare("2", "retrieve calls/s vs OpenAI", s["ftjobs"], s["openai"], fmt, ">= 2.00"),
        compare(
            "2",
            "client CPU per retrieve vs httpx2.get+json.loads (lower is better)",
            cpu["ftjobs"],
            cpu["httpx2"],
            lambda us: f"{us:.0f} µs",
            "info",
        ),
        compare(
            "2",
            "client CPU per retrieve vs httpx2 transport + json.loads",
            cpu["ftjobs"],
            cpu["httpx2-transport"],
            lambda us: f"{us:.0f} µs",
            "info",
        ),
        compare(
            "2",
            f"server ceiling: raw asyncio x{CONCURRENCY}",
            a["raw-asyncio"],
            a["httpx-async"],
            fmt,
            "info: >> 1",
            peer_suffix=" httpx",
        ),
        compare(
            "2",
            f"async 1k retrieves @{CONCURRENCY} vs httpx2.AsyncClient",
            a["ftjobs-async"],
            a["httpx2-async"],
            fmt,
            "info",
        ),
        compare(
            "2",
            f"async 1k retrieves @{CONCURRENCY} vs httpx.AsyncClient",
            a["ftjobs-async"],
            a["httpx-async"],
            fmt,
            "info",
        ),
        compare(
            "2",
            f"async 1k retrieves @{CONCURRENCY} vs AsyncOpenAI",
            a["ftjobs-async"],
            a["openai-async"],
            fmt,
            ">= 1.50",
        ),
        compare(
            "2",
            f"async @{CONCURRENCY}, ftjobs on httpx2's default 100-connection pool vs AsyncOpenAI",
            a["ftjobs-async-pool100"],
            a["openai-async"],
            fmt,
            "info",
        ),
    ]


def main() -> None:
    kind, base_url, calls = sys.argv[1], sys.argv[2], int(sys.argv[3])
    if kind in ASYNC_KINDS:
        rate = asyncio.run(measure_async(kind, base_url, calls))
    else:
        rate = measure_sync(kind, base_url, calls)
        print(f"{rate:.1f} {_CPU[-1] * 1e6:.1f}")
        return
    print(f"{rate:.1f}")


if __name__ == "__main__":
    main()
