"""An open-loop HTTP/1.1 load generator (wrk2-style constant arrival rate), asyncio + raw streams.

Request i is *due* at t0 + i/rate (or at Poisson arrival times). It is sent at its due time
whatever happened to the previous ones: when all connections are busy a new one is opened (up to
max_conns; past that the request waits for one). Its latency is measured from its due time, not
from when it was sent, so time spent queued anywhere — in this client, in the kernel's accept
queue, in gunicorn, in PostgreSQL — is counted (no coordinated omission). `send_lag` (sent - due)
shows whether the generator itself kept up.

Keep-alive is used when the server allows it; gunicorn's sync worker answers
`Connection: close`, so then each request opens a new TCP connection (loopback).
"""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass, field


@dataclass
class Result:
    index: int
    due: float
    sent: float = 0.0
    done: float = 0.0
    status: int = 0  # 0: no response (connection error or timeout)
    error: str = ""
    body: bytes = b""
    replayed: bool = False


@dataclass
class Run:
    results: list[Result] = field(default_factory=list)
    started: float = 0.0
    finished: float = 0.0
    cpu_s: float = 0.0
    connections_opened: int = 0
    max_in_flight: int = 0


class _Conn:
    __slots__ = ("reader", "writer")

    def __init__(self, reader, writer):
        self.reader, self.writer = reader, writer


async def _read_response(reader) -> tuple[int, dict, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            k, v = line.split(":", 1)
            headers[k.strip().lower()] = v.strip()
    if "content-length" in headers:
        body = await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        chunks = []
        while True:
            size = int((await reader.readline()).strip().split(b";")[0], 16)
            if size == 0:
                await reader.readline()
                break
            chunks.append(await reader.readexactly(size))
            await reader.readline()
        body = b"".join(chunks)
    else:
        body = await reader.read()
    if lines[0].startswith("HTTP/1.0"):
        headers.setdefault("connection", "close")
    return status, headers, body


async def run_open_loop(
    host: str,
    port: int,
    requests: list[bytes],
    *,
    rate: float,
    arrivals: str = "constant",
    timeout: float = 10.0,
    max_conns: int = 512,
    seed: int = 1,
    keep_body=lambda status: status == 201,
) -> Run:
    """Send `requests` (complete HTTP/1.1 request bytes) at `rate` per second; return every result."""
    loop = asyncio.get_running_loop()
    idle: list[_Conn] = []
    slots = asyncio.Semaphore(max_conns)
    run = Run()
    in_flight = 0
    rng = random.Random(seed)

    async def one(res: Result, payload: bytes):
        nonlocal in_flight
        async with slots:
            in_flight += 1
            run.max_in_flight = max(run.max_in_flight, in_flight)
            conn = None
            try:
                conn = idle.pop() if idle else None
                res.sent = loop.time()
                for attempt in (0, 1):
                    if conn is None:
                        reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
                        conn = _Conn(reader, writer)
                        run.connections_opened += 1
                        fresh = True
                    else:
                        fresh = False
                    try:
                        conn.writer.write(payload)
                        status, headers, body = await asyncio.wait_for(
                            _read_response(conn.reader), timeout - (loop.time() - res.sent)
                        )
                        break
                    except (ConnectionError, asyncio.IncompleteReadError):
                        # A kept-alive connection the server closed meanwhile: retry once on a new one.
                        conn.writer.close()
                        conn = None
                        if fresh or attempt == 1:
                            raise
                res.done = loop.time()
                res.status = status
                res.replayed = headers.get("idempotent-replayed") == "true"
                if keep_body(status) or status >= 400:
                    res.body = body
                if headers.get("connection", "").lower() == "close":
                    conn.writer.close()
                else:
                    idle.append(conn)
                conn = None
            except TimeoutError:
                res.done = loop.time()
                res.error = "timeout"
            except (OSError, ValueError, EOFError, asyncio.LimitOverrunError) as exc:  # refused, reset, malformed
                res.done = loop.time()
                res.error = type(exc).__name__
            finally:
                if conn is not None:
                    conn.writer.close()
                in_flight -= 1

    cpu0 = time.process_time()
    t0 = loop.time() + 0.05
    run.started = t0
    tasks = []
    due = t0
    for i, payload in enumerate(requests):
        if arrivals == "poisson":
            due += rng.expovariate(rate) if i else 0.0
        else:
            due = t0 + i / rate
        delay = due - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        res = Result(index=i, due=due)
        run.results.append(res)
        tasks.append(asyncio.ensure_future(one(res, payload)))
    await asyncio.gather(*tasks)
    run.finished = loop.time()
    run.cpu_s = time.process_time() - cpu0
    for conn in idle:
        conn.writer.close()
    return run
