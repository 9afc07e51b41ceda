"""Load test of ``relscale serve``: many respondents answering at the same time, each
answer one request, on SQLite and on PostgreSQL. Only 127.0.0.1; bounded in count and
time; it stops by itself.

For each store the script makes a round of N pairs (education, relationship quality, so
N children's forms of 16 statements), makes their links with the library, starts the real
command ``relscale serve --db STORE --port P`` as a child process, and then runs N
simulated children at once in one asyncio loop, each on its own keep-alive connection:

- GET ``/r/TOKEN`` (the page, its CSRF cookie and token);
- one POST ``/r/TOKEN/answer`` per statement (16), each after a think time drawn from
  ``--think`` seconds (uniform; ``0,0`` for back-to-back requests: the saturation run);
- POST ``/r/TOKEN/finish``.

All children start within the first ``--ramp`` seconds (default 0: at once). Every
answer request's latency is measured at the client (send to last byte). Afterwards the
store is counted: every answer is stored (``web_answers`` = N x 16 and each child's
answers equal what it sent), none twice (the primary key holds one row per link and item;
``answers`` of the sent submissions = N x 16, ``submissions`` = N, each version 1).

The whole run is bounded: ``--deadline`` seconds (default 300) after the start it stops
the children and the server and reports a failure.

Usage::

    python benchmarks/bench_web_load.py [--respondents 300] [--think 1,3]
        [--backend sqlite --backend postgresql] [--postgres URL]

PostgreSQL: a server reachable at ``--postgres`` (default ``$RELSCALE_TEST_POSTGRES``, then
``postgresql+psycopg://relscale_test:relscale_test@127.0.0.1:5432/postgres``, the role
``.ci/run`` makes); the script makes its own database there and drops it afterwards.

Results are recorded in ``benchmarks/RESULTS-web.md``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

ROUND = "load"
PG_DEFAULT = "postgresql+psycopg://relscale_test:relscale_test@127.0.0.1:5432/postgres"
CSRF = re.compile(rb'name="csrf" value="([^"]+)"')
ITEMS = re.compile(rb'name="item" value="([^"]+)"')


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


# --- the store --------------------------------------------------------------------------


def make_round(url: str, n: int) -> list[str]:
    """A round of ``n`` pairs in the store at ``url``; the children's link tokens."""
    from relscale.rounds.create import new_round
    from relscale.store.engine import open_store
    from relscale.web.links import issue_links

    with tempfile.TemporaryDirectory() as tmp:
        roster = Path(tmp) / "roster.csv"
        rows = ["professional_code,client_code,group"]
        rows += [f"T{k // 25:03d},C{k:04d},G{k // 100}" for k in range(n)]
        roster.write_text("\n".join(rows) + "\n", encoding="utf-8")
        with open_store(url, create=True) as store:
            new_round(store, ROUND, roster, instruments=["relationship_quality"],
                      sector="education", locale="en")
            links = issue_links(store, ROUND, days=1)
    return [link.token for link in links if link.perspective == "client"]


def count(url: str, tokens_answers: dict[str, dict[str, int]]) -> dict[str, object]:
    """What the store holds after the run, and whether it is what was sent."""
    from sqlalchemy import func, select

    from relscale.store.engine import open_store
    from relscale.store.models import Answer, Submission
    from relscale.store.web_tables import OnlineAnswer, RespondentLink
    from relscale.web.security import digest

    with open_store(url) as store, store.read() as conn:
        online = conn.execute(select(func.count()).select_from(OnlineAnswer)).scalar_one()
        distinct = conn.execute(select(func.count()).select_from(
            select(OnlineAnswer.link_id, OnlineAnswer.item).distinct().subquery())).scalar_one()
        answers = conn.execute(select(func.count()).select_from(Answer)).scalar_one()
        submissions = conn.execute(select(func.count()).select_from(Submission)).scalar_one()
        versions = conn.execute(select(func.max(Submission.version))).scalar_one()
        sent = conn.execute(select(func.count()).select_from(RespondentLink).where(
            RespondentLink.submitted_at.is_not(None))).scalar_one()
        by_link = {}
        for digest_, item, value in conn.execute(
                select(RespondentLink.token_sha256, OnlineAnswer.item, OnlineAnswer.value)
                .join(RespondentLink, RespondentLink.id == OnlineAnswer.link_id)):
            by_link.setdefault(digest_, {})[item] = value
    mismatched = sum(1 for token, given in tokens_answers.items()
                     if by_link.get(digest(token)) != given)
    return {"web_answers": online, "distinct": distinct, "answers": answers,
            "submissions": submissions, "max_version": versions, "sent_links": sent,
            "mismatched_respondents": mismatched}


# --- the server -------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(url: str, port: int) -> subprocess.Popen:
    exe = Path(sys.executable).with_name("relscale")
    proc = subprocess.Popen([str(exe), "serve", "--db", url, "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return proc
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError(proc.stderr.read().decode() if proc.stderr
                                   else "server died") from None
            time.sleep(0.1)
    stop_server(proc)
    raise RuntimeError("relscale serve did not start within 30 s")


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)


# --- the children -----------------------------------------------------------------------


class Connection:
    """A minimal HTTP/1.1 keep-alive client (the load generator must cost the machine
    less than the server it measures; httpx costs about a millisecond per request)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, path: str, body: bytes = b"",
                      headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        assert self.reader is not None
        lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{self.port}",
                 "Connection: keep-alive", f"Content-Length: {len(body)}"]
        if self.cookies:
            lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        await self.writer.drain()
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        length, chunked = 0, False
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            key = name.strip().lower()
            if key == b"content-length":
                length = int(value)
            elif key == b"transfer-encoding" and b"chunked" in value.lower():
                chunked = True
            elif key == b"set-cookie":
                pair = value.strip().split(b";", 1)[0].decode()
                k, _, v = pair.partition("=")
                self.cookies[k] = v
        if chunked:
            data = b""
            while True:
                size = int((await self.reader.readline()).strip(), 16)
                chunk = await self.reader.readexactly(size + 2)
                if size == 0:
                    break
                data += chunk[:-2]
            return status, data
        return status, await self.reader.readexactly(length)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


@dataclass
class Child:
    token: str
    latencies: list[float] = field(default_factory=list)
    sent: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


async def child(port: int, kid: Child, think: tuple[float, float], ramp: float,
                rng: random.Random) -> None:
    await asyncio.sleep(rng.uniform(0, ramp))
    conn = Connection(port)
    try:
        status, page = await conn.request("GET", f"/r/{kid.token}")
        if status != 200:
            kid.errors.append(f"GET {status}")
            return
        csrf = CSRF.search(page).group(1).decode()  # type: ignore[union-attr]
        items = list(dict.fromkeys(m.decode() for m in ITEMS.findall(page)))
        headers = {"Content-Type": "application/x-www-form-urlencoded",
                   "Accept": "application/json", "X-CSRF-Token": csrf}
        for item in items:
            await asyncio.sleep(rng.uniform(*think))
            value = rng.randint(1, 4)
            body = f"item={quote(item)}&value={value}".encode()
            start = time.perf_counter()
            status, _ = await conn.request("POST", f"/r/{kid.token}/answer", body, headers)
            kid.latencies.append(time.perf_counter() - start)
            if status != 200:
                kid.errors.append(f"answer {status}")
                return
            kid.sent[item] = value
        status, _ = await conn.request("POST", f"/r/{kid.token}/finish",
                                       f"csrf={quote(csrf)}".encode(), headers)
        if status != 200:
            kid.errors.append(f"finish {status}")
    except (OSError, asyncio.IncompleteReadError, ValueError, AttributeError) as exc:
        kid.errors.append(f"{type(exc).__name__}: {exc}")
    finally:
        conn.close()


async def run_children(port: int, tokens: list[str], think: tuple[float, float], ramp: float,
                       deadline: float, seed: int) -> tuple[list[Child], float, bool]:
    rng = random.Random(seed)
    kids = [Child(t) for t in tokens]
    start = time.perf_counter()
    tasks = [asyncio.create_task(child(port, k, think, ramp, random.Random(rng.random())))
             for k in kids]
    _done, pending = await asyncio.wait(tasks, timeout=deadline)
    for task in pending:
        task.cancel()
    return kids, time.perf_counter() - start, not pending


# --- one backend ------------------------------------------------------------------------


def pg_database(admin_url: str) -> tuple[str, object]:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"relscale_load_{secrets.token_hex(4)}"
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()

    return make_url(admin_url).set(database=name).render_as_string(hide_password=False), drop


def run_backend(backend: str, args: argparse.Namespace) -> dict[str, object]:
    drop = None
    with tempfile.TemporaryDirectory(prefix="relscale-load-") as tmp:
        if backend == "sqlite":
            url = f"sqlite:///{tmp}/load.db"
        else:
            url, drop = pg_database(args.postgres)
        try:
            t0 = time.perf_counter()
            tokens = make_round(url, args.respondents)
            setup = time.perf_counter() - t0
            port = free_port()
            server = start_server(url, port)
            try:
                kids, wall, finished = asyncio.run(run_children(
                    port, tokens, args.think, args.ramp, args.deadline, args.seed))
            finally:
                stop_server(server)
            stored = count(url, {k.token: k.sent for k in kids})
        finally:
            if drop is not None:
                drop()  # type: ignore[operator]
    latencies = [x for k in kids for x in k.latencies]
    errors = [e for k in kids for e in k.errors]
    expected = args.respondents * 16
    ok = (finished and not errors and stored["web_answers"] == expected
          and stored["distinct"] == expected and stored["answers"] == expected
          and stored["submissions"] == args.respondents and stored["max_version"] == 1
          and stored["mismatched_respondents"] == 0)
    return {"backend": backend, "respondents": args.respondents, "requests": len(latencies),
            "wall_s": wall, "setup_s": setup, "rps": len(latencies) / wall if wall else 0.0,
            "p50_ms": 1000 * percentile(latencies, 0.5),
            "p95_ms": 1000 * percentile(latencies, 0.95),
            "p99_ms": 1000 * percentile(latencies, 0.99),
            "max_ms": 1000 * max(latencies, default=float("nan")),
            "errors": len(errors), "first_errors": errors[:3], "finished": finished,
            "stored": stored, "ok": ok}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--respondents", type=int, default=300)
    parser.add_argument("--think", default="1,3",
                        help="think time between answers, seconds: LOW,HIGH (uniform)")
    parser.add_argument("--ramp", type=float, default=0.0,
                        help="children start within this many seconds (0: all at once)")
    parser.add_argument("--backend", action="append", choices=("sqlite", "postgresql"))
    parser.add_argument("--postgres", default=os.environ.get("RELSCALE_TEST_POSTGRES")
                        or PG_DEFAULT)
    parser.add_argument("--deadline", type=float, default=300.0)
    parser.add_argument("--seed", type=int, default=22)
    args = parser.parse_args()
    lo, hi = (float(x) for x in args.think.split(","))
    args.think = (lo, hi)
    backends = args.backend or ["sqlite", "postgresql"]
    print(f"# relscale serve load: {args.respondents} respondents at once, think "
          f"{lo:g}-{hi:g} s, {platform.python_version()}, {os.cpu_count()} CPUs")
    failed = False
    for backend in backends:
        r = run_backend(backend, args)
        failed |= not r["ok"]
        print(f"{backend:<10} answers {r['requests']:>5} in {r['wall_s']:6.1f} s "
              f"({r['rps']:6.1f}/s)  p50 {r['p50_ms']:6.1f} ms  p95 {r['p95_ms']:6.1f} ms  "
              f"p99 {r['p99_ms']:6.1f} ms  max {r['max_ms']:6.1f} ms  errors {r['errors']}  "
              f"stored {r['stored']}  {'OK' if r['ok'] else 'FAILED'}")
        if r["first_errors"]:
            print("  first errors:", r["first_errors"])
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
