"""The `maturity` command line: a thin layer over the library, with one error boundary.

Each command lives in the module named after it and is imported only when used,
so `maturity --help` and `maturity score` stay fast.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any

import click

from maturity import __version__
from maturity.cli.start_up import start_quickly
from maturity.core.errors import InvalidFileError, MaturityError, printable
from maturity.files.crash_log import write_crash_log

start_quickly()  # before pydantic builds a validator

# command name -> "module:attribute"
COMMANDS = {
    "framework": "maturity.cli.framework:framework",
    "assess": "maturity.cli.assess:assess",
    "score": "maturity.cli.score:score_command",
    "import": "maturity.cli.store:import_command",
    "history": "maturity.cli.store:history",
    "export": "maturity.cli.store:export",
    "store": "maturity.cli.store_admin:store_group",
    "benchmark": "maturity.cli.benchmark:benchmark_command",
    "plan": "maturity.cli.plan:plan_group",
    "workbook": "maturity.cli.workbook:workbook_command",
    "report": "maturity.cli.report:report",
    "review": "maturity.cli.review:review",
    "moderate": "maturity.cli.review:moderate",
    "withdraw": "maturity.cli.review:withdraw",
    "respondents": "maturity.cli.review:respondents",
    "unit": "maturity.cli.unit:unit",
    "serve": "maturity.cli.serve:serve",
    "user": "maturity.cli.serve:user_group",
    "crosswalk": "maturity.cli.crosswalk:crosswalk_command",
    "consult": "maturity.cli.consult:consult_group",
}


MAX_LINES = 100
"""Problems printed for one failure: enough to work through, not a flood."""
EXIT_BROKEN_PIPE = 141
"""What a shell reports for a program stopped by SIGPIPE (128 + 13), as `git` and `cat` do."""


def _silence_stdout() -> None:
    """Point standard output at /dev/null, so nothing more is written to the closed pipe."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # not a real file (e.g. under a test runner)
        pass


class Maturity(click.Group):
    """The root group: lazy subcommands, and the place where errors become one line."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *COMMANDS])

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in COMMANDS:
            module, attr = COMMANDS[cmd_name].split(":")
            command = getattr(importlib.import_module(module), attr)
            assert isinstance(command, click.Command)
            return command
        return super().get_command(ctx, cmd_name)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            result = super().invoke(ctx)
            sys.stdout.flush()  # a closed pipe shows here, inside the boundary
            return result
        except BrokenPipeError:
            # The reader stopped early (`maturity framework show X | head`): normal, not a
            # bug. Say nothing, and keep Python from complaining when it flushes at exit.
            _silence_stdout()
            ctx.exit(EXIT_BROKEN_PIPE)
        except InvalidFileError as exc:
            for line in exc.lines[:MAX_LINES]:
                click.echo(f"Error: {printable(line)}", err=True)
            if len(exc.lines) > MAX_LINES:
                more = len(exc.lines) - MAX_LINES
                click.echo(f"Error: ... and {more:,} more problems not shown", err=True)
            ctx.exit(1)
        except MaturityError as exc:
            click.echo(f"Error: {printable(str(exc))}", err=True)
            ctx.exit(1)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except KeyboardInterrupt:
            # Every file is written whole or not at all, and every store change is one
            # transaction; what a command had finished before the interrupt stays done
            # (`export` writes many files, `import` stores each file on its own).
            click.echo("Interrupted; no file or store was left half-written.", err=True)
            ctx.exit(130)
        except Exception as exc:  # a bug: keep the details, show one line
            log = write_crash_log(exc)
            click.echo(
                f"Error: unexpected failure ({type(exc).__name__}: {exc}). This is a bug in "
                f"maturity; the details are in {log}",
                err=True,
            )
            ctx.exit(70)


@click.group(cls=Maturity, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="maturity")
def main() -> None:
    """Maturity-model self-assessment: frameworks, scores, benchmarks and action plans.

    \b
    Example:
        maturity framework list
        maturity score assessments/2025-26/*.yaml
    """
