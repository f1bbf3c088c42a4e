"""Progress of a batch of reports on stderr: a bar on a terminal, otherwise one line per job."""

from __future__ import annotations

import sys
from typing import Any

import click

from maturity.reports.batch import Done


class Reporter:
    """Progress on stderr: a bar on a terminal, otherwise one plain line per finished job."""

    def __init__(self, total: int, tty: bool | None = None) -> None:
        self.total = total
        self.count = 0
        self.tty = sys.stderr.isatty() if tty is None else tty
        self.bar: Any = None
        if self.tty:
            self.bar = click.progressbar(
                length=total, label="Rendering", file=sys.stderr, show_pos=True
            )
            self.bar.__enter__()

    def finished(self, done: Done) -> None:
        self.count += 1
        if self.bar is not None:
            self.bar.update(1)
            return
        if done.ok:
            click.echo(
                f"[{self.count}/{self.total}] done {done.job.name} "
                f"({done.pages} pages, {done.seconds:.1f} s, CPU {done.cpu:.1f} s)",
                err=True,
            )
        else:
            click.echo(
                f"[{self.count}/{self.total}] FAILED {done.job.name}: {done.error}", err=True
            )

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None
