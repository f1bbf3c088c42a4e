"""A throwaway PostgreSQL server for the tests: Debian's binaries, a temporary data folder.

The server listens only on a Unix socket in its own temporary folder (no TCP port to
collide with another run), trusts local connections, and skips durability (fsync off):
the data is thrown away after the session.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path


def find_binaries() -> Path | None:
    """The newest installed PostgreSQL's bin folder (Debian: /usr/lib/postgresql/N/bin)."""
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    if found:
        return found[-1].parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


class Server:
    """A running server; `url(database)` gives a SQLAlchemy URL to one of its databases."""

    def __init__(self, bin_dir: Path, folder: Path, as_user: str | None) -> None:
        self.bin_dir = bin_dir
        self.folder = folder
        self.data = folder / "data"
        self.socket = folder / "socket"
        self.as_user = as_user

    def _cmd(self, tool: str, *args: str) -> list[str]:
        command = [str(self.bin_dir / tool), *args]
        # initdb and postgres refuse to run as root: run them as the `postgres` user.
        return ["runuser", "-u", self.as_user, "--", *command] if self.as_user else command

    def start(self) -> None:
        self.socket.mkdir()
        if self.as_user:
            user = pwd.getpwnam(self.as_user)
            for path in (self.folder, self.socket):
                os.chown(path, user.pw_uid, user.pw_gid)
        run = subprocess.run
        run(
            self._cmd("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust",
                      "--no-sync", "-E", "UTF8", "--locale=C"),
            check=True, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        options = (
            f"-k {self.socket} -c listen_addresses='' -c fsync=off -c synchronous_commit=off "
            "-c full_page_writes=off -c max_connections=60 -c shared_buffers=32MB "
            # Plans must not change under a test's feet when the server analyses a table.
            "-c autovacuum=off"
        )
        run(
            self._cmd("pg_ctl", "-D", str(self.data), "-o", options,
                      "-l", str(self.folder / "server.log"), "-w", "-t", "60", "start"),
            check=True, capture_output=True, text=True, timeout=90,
        )  # fmt: skip

    def stop(self) -> None:
        subprocess.run(
            self._cmd("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop"),
            capture_output=True,
            timeout=60,
        )

    def log(self) -> str:
        with contextlib.suppress(OSError):
            return (self.folder / "server.log").read_text(errors="replace")[-2000:]
        return ""

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@/{database}?host={self.socket}"


@contextlib.contextmanager
def running_server() -> Iterator[Server]:
    """Start a server for the duration of the block; raises if it cannot start."""
    bin_dir = find_binaries()
    if bin_dir is None:
        raise FileNotFoundError("no PostgreSQL binaries (initdb) installed")
    as_user = None
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            raise RuntimeError("running as root and there is no `postgres` user") from None
        as_user = "postgres"
    folder = Path(tempfile.mkdtemp(prefix="maturity-pg-"))
    server = Server(bin_dir, folder, as_user)
    try:
        try:
            server.start()
        except subprocess.CalledProcessError as exc:
            raise RuntimeError(
                f"PostgreSQL did not start: {exc.stderr or exc.stdout}\n{server.log()}"
            ) from None
        yield server
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


def admin(server: Server, sql: str) -> None:
    """Run one statement outside a transaction (CREATE/DROP DATABASE) as the superuser."""
    import psycopg

    with psycopg.connect(host=str(server.socket), user="postgres", dbname="postgres",
                         autocommit=True) as conn:  # fmt: skip
        conn.execute(sql.encode())
