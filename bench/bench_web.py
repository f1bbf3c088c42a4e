"""The web application under load: 20 users at once against `maturity serve` on loopback.

Builds a SQLite store of 50 units x 3 periods (the framework `edi-maturity`, synthetic
answers as in bench_store.py), adds one user and one assessment in progress per
simulated user, starts `maturity serve` in a subprocess on a free port, signs every user
in, then times with an async HTTP client (httpx), all users at once:
  - the form: one domain's page (target: median < 150 ms),
  - the whole form on one page, "check your answers" (every criterion),
  - a save of a domain page (target: median < 100 ms),
  - the board dashboard for 50 units x 3 periods (target: median < 300 ms).
Bounded: --requests per user per measure, and --timeout seconds for the whole run.

    python bench/bench_web.py [--users 20] [--requests 10] [--workers 1] [--store URL]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import httpx  # noqa: E402
from bench_store import generate  # noqa: E402

from maturity.files.catalog import load_framework  # noqa: E402

PASSWORD = "bench password for everyone"
DOMAIN = "environment"


def build_store(url: str, folder: Path, users: int, units: int, periods: int) -> list[int]:
    """Fill the store; one admin user and one draft (for this period) per simulated user."""
    from maturity.core.assessment import Assessment
    from maturity.store import accounts, drafts
    from maturity.store.importing import import_files
    from maturity.store.store import open_store

    fw = load_framework("edi-maturity")
    generate(folder, fw, units, periods)
    ids = []
    with open_store(url, create=True) as store:
        reports = import_files(store, [folder])
        assert all(r.status != "rejected" for r in reports), reports[:3]
        digest = accounts.hash_password(PASSWORD)
        for n in range(users):
            user = accounts.add_user(store, f"user{n}@example.org", accounts.Role.ADMIN, None, "b")
            accounts.set_password_hash(store, user.id, digest, "bench")
            unit = f"City Council/Department {n % 1:02d}/Service {n:04d}"
            assessment = Assessment(framework=fw.ref, unit=unit, period="2026/27")
            ids.append(drafts.create_draft(store, assessment, fw.ref, set(), "bench"))
    return ids


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, html[:500]
    return match.group(1)


async def sign_in(base: str, n: int) -> tuple[httpx.AsyncClient, str]:
    client = httpx.AsyncClient(base_url=base, timeout=60)
    page = await client.get("/sign-in")
    reply = await client.post("/sign-in", data={
        "email": f"user{n}@example.org", "password": PASSWORD, "csrf_token": csrf(page.text),
    })  # fmt: skip
    assert reply.status_code == 303, reply.text[:500]
    token = csrf((await client.get("/assessments")).text)
    return client, token


Work = Callable[[httpx.AsyncClient, int], Awaitable[None]]


async def measure(
    name: str, clients: list[httpx.AsyncClient], work: Work, requests: int, quiet: bool = False
) -> list[float]:
    """Run `work(client, n)` `requests` times per client, all clients at once; latencies in ms."""
    times: list[float] = []

    async def one_user(n: int) -> None:
        for _ in range(requests):
            start = time.perf_counter()
            await work(clients[n], n)
            times.append((time.perf_counter() - start) * 1000)

    started = time.perf_counter()
    await asyncio.gather(*(one_user(n) for n in range(len(clients))))
    wall = time.perf_counter() - started
    times.sort()
    if quiet:
        return times
    p95 = times[int(len(times) * 0.95) - 1]
    print(f"{name:<34} median {statistics.median(times):7.1f} ms   p95 {p95:7.1f} ms   "
          f"{len(times) / wall:6.1f} requests/s   ({len(times)} requests)")  # fmt: skip
    return times


async def run(base: str, ids: list[int], requests: int) -> dict[str, float]:
    signed = await asyncio.gather(*(sign_in(base, n) for n in range(len(ids))))
    clients = [c for c, _ in signed]
    tokens = [t for _, t in signed]
    versions = [1] * len(ids)

    async def form(client: httpx.AsyncClient, n: int) -> None:
        reply = await client.get(f"/assessments/{ids[n]}/domains/{DOMAIN}")
        assert reply.status_code == 200, reply.status_code

    async def whole(client: httpx.AsyncClient, n: int) -> None:
        reply = await client.get(f"/assessments/{ids[n]}/check")
        assert reply.status_code == 200, reply.status_code

    async def save(client: httpx.AsyncClient, n: int) -> None:
        level = ["developing", "established"][versions[n] % 2]
        reply = await client.post(f"/assessments/{ids[n]}/domains/{DOMAIN}", data={
            "csrf_token": tokens[n], "version": str(versions[n]), "then": "later",
            f"level:{DOMAIN}.zero-tolerance": level, f"notes:{DOMAIN}.zero-tolerance": "Bench",
            f"value:{DOMAIN}.harassment-gap": "4.5",
        })  # fmt: skip
        assert reply.status_code == 303, (reply.status_code, reply.text[:300])
        versions[n] += 1

    async def dashboard(client: httpx.AsyncClient, n: int) -> None:
        reply = await client.get("/board?period=2025/26")
        assert reply.status_code == 200 and "app-heatmap" in reply.text, reply.status_code

    results = {}
    work: Work
    for name, work in [
        (f"form page (domain '{DOMAIN}')", form),
        ("check your answers (every criterion)", whole),
        ("save a domain page", save),
        ("board dashboard (50 units x 3 periods)", dashboard),
    ]:
        await measure(name, clients, work, 1, quiet=True)  # warm up
        results[name] = statistics.median(await measure(name, clients, work, requests))
    for client in clients:
        await client.aclose()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--requests", type=int, default=10, help="per user, per measure")
    parser.add_argument("--units", type=int, default=50)
    parser.add_argument("--periods", type=int, default=3)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--store", help="A store URL (default: a new SQLite file)")
    parser.add_argument("--timeout", type=float, default=600, help="seconds for the whole run")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        url = args.store or str(folder / "bench.db")
        started = time.perf_counter()
        ids = build_store(url, folder / "files", args.users, args.units, args.periods)
        print(f"store: {args.units} units x {args.periods} periods, {args.users} users, "
              f"built in {time.perf_counter() - started:.1f} s")  # fmt: skip
        port = free_port()
        env = {**os.environ, "MATURITY_SECRET_KEY": "bench key", "PYTHONUNBUFFERED": "1"}
        server = subprocess.Popen(
            [sys.executable, "-m", "maturity", "serve", "--store", url, "--port", str(port),
             "--workers", str(args.workers)],
            env=env, start_new_session=True,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    httpx.get(base + "/sign-in", timeout=2)
                    break
                except httpx.TransportError:
                    if time.monotonic() > deadline or server.poll() is not None:
                        raise SystemExit("the server did not start") from None
                    time.sleep(0.2)
            print(f"server: maturity serve --workers {args.workers} on {base}, "
                  f"{os.cpu_count()} cores")  # fmt: skip
            asyncio.run(asyncio.wait_for(run(base, ids, args.requests), args.timeout))
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(20)


if __name__ == "__main__":
    main()
