"""What `import ftjobs; Client(...)` loads: only what building a client needs (bench goal 1 measures
the time; this pins the modules, so that an eager import added elsewhere shows up as a failure)."""

from __future__ import annotations

import json
import subprocess
import sys

CODE = """
import json, sys
import ftjobs
ftjobs.Client(api_key="sk-cold")
ftjobs.AsyncClient(api_key="sk-cold")
print(json.dumps(sorted(sys.modules)))
"""

#: Loaded later: the typed views with the first answer, the connection pool with the first request,
#: the generated client with the first call.
DEFERRED = ("ftjobs._models", "ftjobs._meaning", "httpcore2", "h11", "ftjobs_generated")


def test_building_a_client_loads_no_views_pool_or_generated_code() -> None:
    """Client() and AsyncClient() load neither the typed views, nor httpcore2/h11, nor generated code."""
    done = subprocess.run(
        [sys.executable, "-c", CODE], capture_output=True, text=True, timeout=60, check=True
    )
    loaded = json.loads(done.stdout)
    assert "ftjobs._client" in loaded
    early = [name for name in loaded if name.startswith(DEFERRED)]
    assert early == []
