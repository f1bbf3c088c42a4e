"""The `maturity` command line: a thin layer over the library, with one error boundary.

Each command lives in the module named after it and is imported only when used,
so `maturity --help` and `maturity score` stay fast.
"""

from __future__ import annotations

import importlib
import os
from typing import Any

# pydantic looks up plugins through package metadata on the first model it builds, which
# costs ~25 ms on every command; `maturity` uses none, so skip the search in the CLI process.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

import click

from maturity import __version__
from maturity.core.errors import InvalidFileError, MaturityError, write_crash_log

# command name -> "module:attribute"
COMMANDS = {
    "framework": "maturity.cli.framework:framework",
    "assess": "maturity.cli.assess:assess",
    "score": "maturity.cli.score:score_command",
    "import": "maturity.cli.store:import_command",
    "history": "maturity.cli.store:history",
    "export": "maturity.cli.store:export",
    "benchmark": "maturity.cli.benchmark:benchmark_command",
    "plan": "maturity.cli.plan:plan_group",
    "workbook": "maturity.cli.workbook:workbook_command",
    "report": "maturity.cli.report:report",
    "consult": "maturity.cli.consult:consult_group",
}


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
            return super().invoke(ctx)
        except InvalidFileError as exc:
            for line in exc.lines:
                click.echo(f"Error: {line}", err=True)
            ctx.exit(1)
        except MaturityError as exc:
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(1)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except KeyboardInterrupt:
            click.echo("Interrupted; nothing was written.", err=True)
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
