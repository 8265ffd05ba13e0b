"""What `import ftjobs; Client(...)` loads, and then a first retrieve: only what each needs (bench
goals 1 and 6 measure the time; this pins the modules, so that an eager import added anywhere shows
up as a failure)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import ftjobs
from ftjobs import _preload
from ftjobs.testing import DEFAULT_API_KEY

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


FIRST_ANSWER = """
import json, sys
before = set(sys.modules)
import ftjobs
client = ftjobs.Client(api_key=sys.argv[2], base_url=sys.argv[3], max_retries=0)
built = set(sys.modules)
job = client.jobs.retrieve(sys.argv[1])
assert job.id == sys.argv[1]
print(json.dumps({"build": sorted(built - before), "retrieve": sorted(set(sys.modules) - built)}))
"""

#: What a retrieve of a supervised job loads of this project, exactly: the operations table (no
#: endpoint module, no generated model, not the generated HTTP client; the models package is lazy) and
#: the typed classes that job holds, each its own module, with their runtime: not the event,
#: checkpoint, DPO, reinforcement or grader classes.
RETRIEVE_LOADS = [
    "ftjobs._meaning",
    "ftjobs._models",
    "ftjobs_generated",
    "ftjobs_generated._views",
    "ftjobs_generated._views.job",
    "ftjobs_generated._views.job_hyperparameters",
    "ftjobs_generated._views.method",
    "ftjobs_generated._views.supervised_hyperparameters",
    "ftjobs_generated._views.supervised_method",
    "ftjobs_generated._views_runtime",
    "ftjobs_generated.api",
    "ftjobs_generated.api.fine_tuning",
    "ftjobs_generated.models",
    "ftjobs_generated.views",
]
#: Third-party packages a build may load (attrs, httpx2 and what httpx2 imports) and a first request
#: may add: httpcore2 and h11 (the pool), truststore (httpcore2's certificates) and the optional
#: packages httpcore2 imports when they are installed (anyio, sniffio, trio, socksio).
BUILD_THIRD_PARTY = {"attr", "attrs", "httpx2", "idna", "typing_extensions"}
REQUEST_THIRD_PARTY = {"httpcore2", "h11", "truststore", "certifi", "anyio", "sniffio", "trio", "socksio"}


def _ours(modules: list[str]) -> list[str]:
    return [m for m in modules if m.split(".")[0] in ("ftjobs", "ftjobs_generated")]


def _third_party(modules: list[str]) -> set[str]:
    tops = {m.split(".")[0] for m in modules} - {"ftjobs", "ftjobs_generated"}
    return {top for top in tops if top not in sys.stdlib_module_names}


def test_a_first_retrieve_loads_only_the_modules_it_needs(ftjobs_server: str) -> None:
    """A fresh process: import, Client() and one retrieve load of this project only the allow-list
    (no generated model, endpoint module or grader code), and of third-party code only httpx2's and
    the pool's packages."""
    with ftjobs.Client(api_key=DEFAULT_API_KEY, base_url=ftjobs_server) as client:
        job_id = client.jobs.create(model="gpt-4o-mini-2024-07-18", training_file="file-abc123").id
    done = subprocess.run(
        [sys.executable, "-c", FIRST_ANSWER, job_id, DEFAULT_API_KEY, ftjobs_server],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    loaded = json.loads(done.stdout)
    assert [m for m in _ours(loaded["build"]) if m.startswith(DEFERRED)] == []
    assert _ours(loaded["retrieve"]) == RETRIEVE_LOADS
    assert {"attrs", "httpx2"} <= _third_party(loaded["build"]) <= BUILD_THIRD_PARTY
    assert {"httpcore2", "h11"} <= _third_party(loaded["retrieve"]) <= REQUEST_THIRD_PARTY


PARSE = """
import json, sys
import ftjobs
job = ftjobs.Job.from_dict(json.loads(sys.argv[1]))
loaded = sorted(m for m in sys.modules if m.startswith("ftjobs_generated._views."))
print(json.dumps([repr(job.method), loaded]))
"""
_JOB = {"object": "fine_tuning.job", "id": "ftjob-1", "status": "running", "model": "m", "created_at": 1}
_GRADER = {
    "type": "string_check",
    "name": "g",
    "input": "{{sample.output_text}}",
    "reference": "x",
    "operation": "eq",
}


def _parse_fresh(job: dict[str, object]) -> tuple[str, list[str]]:
    done = subprocess.run(
        [sys.executable, "-c", PARSE, json.dumps(job)], capture_output=True, text=True, timeout=60, check=True
    )
    shown, modules = json.loads(done.stdout)
    return shown, [m.rsplit(".", 1)[1] for m in modules]


def test_a_parse_loads_the_classes_its_data_holds_and_no_other() -> None:
    """A job without a method loads only ``job``; a supervised one adds the supervised classes; a
    reinforcement job with a string-check grader adds those, and is read in full (the grader's
    fields), while the other graders and the DPO classes stay unloaded."""
    assert _parse_fresh(_JOB) == ("None", ["job"])
    supervised = {
        **_JOB,
        "method": {"type": "supervised", "supervised": {"hyperparameters": {"n_epochs": 3}}},
    }
    shown, loaded = _parse_fresh(supervised)
    assert shown == "Method(type='supervised')"
    assert loaded == ["job", "method", "supervised_hyperparameters", "supervised_method"]
    method = {
        "type": "reinforcement",
        "reinforcement": {"grader": _GRADER, "hyperparameters": {"eval_interval": 2}},
    }
    shown, loaded = _parse_fresh({**_JOB, "method": method})
    assert shown == "Method(type='reinforcement')"
    assert loaded == [
        "job",
        "method",
        "reinforcement_hyperparameters",
        "reinforcement_method",
        "string_check_grader",
    ]


TYPE_HINTS = """
import json, typing, attrs, ftjobs
names = [n for n in ftjobs.__all__ if attrs.has(getattr(ftjobs, n))]
names = [n for n in names if getattr(ftjobs, n).__module__.startswith("ftjobs_generated")]
hints = {n: sorted(typing.get_type_hints(getattr(ftjobs, n))) for n in names}
print(json.dumps({"count": len(names), "method": str(typing.get_type_hints(ftjobs.Job)["method"])}))
"""


def test_the_annotations_of_every_class_resolve_in_a_fresh_process() -> None:
    """``typing.get_type_hints`` (what attrs.resolve_types, cattrs and the like call) resolves every
    generated class users import, its references to the other classes (``views.Method``) loading
    them on demand."""
    done = subprocess.run(
        [sys.executable, "-c", TYPE_HINTS], capture_output=True, text=True, timeout=60, check=True
    )
    found = json.loads(done.stdout)
    assert found["count"] >= 38
    assert found["method"] == "ftjobs_generated._views.method.Method | None"
