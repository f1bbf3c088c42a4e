"""Reading a targets file: the levels a plan aims for.

```yaml
level: established                     # one target for every domain (optional)
domains: {workforce: embedded}         # per domain (optional)
criteria: {workforce.representation: leading}   # per criterion (optional)
```
A criterion's own target wins over its domain's, which wins over `level`, which
wins over the framework's default. Errors carry the file's line numbers.
"""

from __future__ import annotations

from pathlib import Path

from maturity.core.errors import InvalidFileError
from maturity.core.framework import Framework
from maturity.core.gaps import Targets, check_targets
from maturity.files.loading import load


def load_targets(path: Path, fw: Framework) -> Targets:
    """Read and validate a targets YAML file against the framework it applies to."""
    targets, source = load(path, Targets)
    problems = check_targets(fw, targets)
    if problems:
        raise InvalidFileError([source.message(p) for p in problems])
    return targets
