"""`python -m maturity.store.migrations new "MESSAGE"`: write the next revision's file.

For developers of maturity; see this package's docstring for the whole procedure.
"""

from __future__ import annotations

import sys

from maturity.store.migrations import config, head, revision_id


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] != "new" or not argv[1].strip():
        print('usage: python -m maturity.store.migrations new "what the step does"')
        return 2
    from alembic import command

    script = command.revision(config(), argv[1], rev_id=revision_id(head() + 1))
    print(f"wrote {getattr(script, 'path', script)}; fill in upgrade()")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
