"""``import httpx2`` without ``importlib.metadata``: a fifth of what ``import ftjobs; Client()`` costs.

httpx2's ``__version__`` module does ``__version__ = version("httpx2")``, so ``import httpx2`` first
imports ``importlib.metadata`` (zipfile, email, csv, pathlib...: ~20 ms of a ~100 ms cold start) to
read one string that is also the name of httpx2's ``.dist-info`` folder. :func:`httpx2_version`
puts a ``httpx2.__version__`` module with the same three names in ``sys.modules`` before httpx2 is
imported (``ftjobs/__init__`` calls it), with the version read from that folder's name.

Nothing is assumed that is not checked: only when httpx2 is not imported yet, only for an httpx2
found by the import system in a folder beside exactly one ``httpx2-<version>.dist-info``; otherwise
httpx2 imports as usual. tests/reliability/test_dependency_internals.py pins what this relies on
(the module's name and its three values, equal to those httpx2 itself computes).
"""

from __future__ import annotations

import os
import sys
import types

#: httpx2's own values for the two constant names of its ``__version__`` module.
TITLE = "httpx2"
DESCRIPTION = "A next generation HTTP client, for Python 3."
MODULE = "httpx2.__version__"


def installed_version(folder: str) -> str | None:
    """The version in the name of the one ``httpx2-<version>.dist-info`` in folder, else None."""
    try:
        names = os.listdir(folder)
    except OSError:
        return None
    prefix, suffix = f"{TITLE}-", ".dist-info"
    found = [n[len(prefix) : -len(suffix)] for n in names if n.startswith(prefix) and n.endswith(suffix)]
    return found[0] if len(found) == 1 and found[0] else None


def httpx2_version() -> None:
    """Provide ``httpx2.__version__`` before httpx2 is imported, if the version is found cheaply."""
    if TITLE in sys.modules or MODULE in sys.modules:
        return
    import importlib.util

    try:
        spec = importlib.util.find_spec(TITLE)
    except (ImportError, ValueError):
        return
    locations = list(spec.submodule_search_locations or ()) if spec is not None else []
    if len(locations) != 1:
        return
    version = installed_version(os.path.dirname(os.path.abspath(locations[0])))
    if version is None:
        return
    module = types.ModuleType(MODULE, "httpx2's version, read from its .dist-info name (ftjobs._preload).")
    module.__title__ = TITLE  # type: ignore[attr-defined]
    module.__description__ = DESCRIPTION  # type: ignore[attr-defined]
    module.__version__ = version  # type: ignore[attr-defined]
    sys.modules[MODULE] = module
