"""`maturity serve` as a user runs it: a process that serves the sign-in page, then stops."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx


def test_serve_answers_on_loopback_and_stops(store_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "MATURITY_SECRET_KEY": "a test key"}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "maturity",
            "serve",
            "--store",
            str(store_path),
            "--port",
            str(port),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                reply = httpx.get(f"http://127.0.0.1:{port}/sign-in", timeout=2)
                break
            except httpx.TransportError:
                assert server.poll() is None and time.monotonic() < deadline, server.stderr
                time.sleep(0.1)
        assert reply.status_code == 200 and "Email address" in reply.text
        assert reply.headers["x-content-type-options"] == "nosniff"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        out, err = server.communicate(timeout=20)
    assert out.startswith(f"Serving {store_path} at http://127.0.0.1:{port}")
    assert "Traceback" not in err


def test_serve_refuses_a_store_it_cannot_open(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "maturity", "serve", "--store", str(tmp_path / "no" / "m.db")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert (
        result.stderr
        == f"Error: {tmp_path / 'no' / 'm.db'}: folder {tmp_path / 'no'} does not exist\n"
    )
