"""What `import ftjobs; Client(...)` loads: only what building a client needs (bench goal 1 measures
the time; this pins the modules, so that an eager import added elsewhere shows up as a failure)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from ftjobs import _preload

CODE = """
import json, sys
import ftjobs
ftjobs.Client(api_key="sk-cold")
ftjobs.AsyncClient(api_key="sk-cold")
print(json.dumps(sorted(sys.modules)))
"""

#: Loaded later: the typed views with the first answer, the connection pool with the first request,
#: the generated client with the first call; importlib.metadata never by ftjobs (ftjobs._preload
#: gives httpx2 its version; httpcore2 imports it with the pool).
DEFERRED = ("ftjobs._models", "ftjobs._meaning", "httpcore2", "h11", "ftjobs_generated", "importlib.metadata")


def test_building_a_client_loads_no_views_pool_or_generated_code() -> None:
    """Client() and AsyncClient() load neither the typed views, nor httpcore2/h11, nor generated code,
    nor importlib.metadata."""
    done = subprocess.run(
        [sys.executable, "-c", CODE], capture_output=True, text=True, timeout=60, check=True
    )
    loaded = json.loads(done.stdout)
    assert "ftjobs._client" in loaded
    early = [name for name in loaded if name.startswith(DEFERRED)]
    assert early == []


def test_the_httpx2_version_is_read_from_the_one_dist_info_folder_or_not_at_all(tmp_path: Path) -> None:
    """``httpx2-<version>.dist-info`` gives the version; none, two, or an empty version: None (httpx2
    then imports as usual, importlib.metadata and all)."""
    assert _preload.installed_version(str(tmp_path)) is None
    (tmp_path / "httpx2-2.17.0.dist-info").mkdir()
    (tmp_path / "httpx2_other-1.0.dist-info").mkdir()
    (tmp_path / "httpcore2-2.17.0.dist-info").mkdir()
    assert _preload.installed_version(str(tmp_path)) == "2.17.0"
    (tmp_path / "httpx2-2.16.0.dist-info").mkdir()
    assert _preload.installed_version(str(tmp_path)) is None
    assert _preload.installed_version(str(tmp_path / "missing")) is None
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "httpx2-.dist-info").mkdir()
    assert _preload.installed_version(str(empty)) is None


def test_an_httpx2_imported_before_ftjobs_keeps_its_own_version_module() -> None:
    """httpx2 already imported: nothing is replaced (its version module stays httpx2's own)."""
    code = (
        "import sys, httpx2, ftjobs; "
        "print(sys.modules['httpx2.__version__'].__doc__ is None, 'importlib.metadata' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.split() == ["True", "True"]
