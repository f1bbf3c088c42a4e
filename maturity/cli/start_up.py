"""What the command line does before anything else, so that every command starts quickly.

`maturity score FILE` is mostly start-up: importing pydantic and building the models'
validators. `bench/bench_score.py` measures it against a bare `import pydantic, yaml,
click`; each setting here is worth a few per cent of that, as its comment says.
"""

from __future__ import annotations

import gc
import importlib
import importlib.machinery
import os
import sys
import types
from typing import Any

PLUGIN_LOADER = "pydantic.plugin._loader"
NO_PLUGINS = {"__all__", "1", "true"}
"""The values of PYDANTIC_DISABLE_PLUGINS that turn every plugin off, as pydantic reads it."""


def start_quickly() -> None:
    """Apply the start-up settings: once, before pydantic builds its first validator."""
    # pydantic searches the installed packages' metadata for plugins when it builds its
    # first validator; `maturity` uses none, so the search is off unless the user sets it.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    skip_plugin_loader()
    # Starting a command makes tens of thousands of objects that live as long as the
    # process (modules, classes, validators), and at Python's default threshold (700) the
    # cycle collector walks them again every few hundred: 2% of `maturity score`.
    # Collecting every 50,000 allocations instead (mypy does the same) costs a long
    # command at most a few megabytes of garbage between collections.
    gc.set_threshold(50_000, *gc.get_threshold()[1:])


class _NoPlugins(types.ModuleType):
    """Stands in for pydantic's plugin loader while plugins are off.

    The loader imports `importlib.metadata` (and with it `email`, `zipfile`, `socket`
    and more: 9% of `maturity score`) only to find plugins, which are off. This answers
    `get_plugins()` as the loader does when they are off, with no plugins; any other name
    pydantic asks for brings in the real loader, which then takes this one's place.
    """

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.__spec__ = importlib.machinery.ModuleSpec(name, None)

    @staticmethod
    def get_plugins() -> tuple[()]:
        return ()

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # module protocol lookups (__path__, __spec__...)
            raise AttributeError(name)
        if sys.modules.get(self.__name__) is self:
            del sys.modules[self.__name__]
        return getattr(importlib.import_module(self.__name__), name)


def skip_plugin_loader() -> None:
    """Put `_NoPlugins` in the loader's place, when every plugin is off and it is not yet loaded."""
    if os.environ.get("PYDANTIC_DISABLE_PLUGINS") in NO_PLUGINS:
        sys.modules.setdefault(PLUGIN_LOADER, _NoPlugins(PLUGIN_LOADER))
