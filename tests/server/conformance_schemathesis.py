"""Third-party conformance: schemathesis generates requests from openapi/fine_tuning.yaml for every
operation, valid ones and invalid ones, sends them to a real local server, and checks the answers.

Run by test_schemathesis.py in a fresh interpreter (what ran before in a session changes what
schemathesis generates, even with a fixed seed); by hand:
``pytest tests/server/conformance_schemathesis.py -s``.

Fixed seed, bounded examples (docs/server.md, "Conformance"): SEED, MAX_EXAMPLES per operation and
mode. Requests are generated from the spec under the server's documented reading (``nullable``
allows null; request objects are closed: ``_validate.strict_requests``), so that valid requests are valid
for the server too and invalid ones include unknown keys. Checks, for every response:

* ``not_a_server_error``: no 5xx, ever;
* ``response_schema_conformance`` and ``content_type_conformance`` (schemathesis), and the spec's
  own schemas as the other server tests read them (``spec_check``: 200 schema or error shape);
* ``negative_data_rejection``: a request the spec forbids is not answered 200;
* ``status_code_conformance`` with two explicit exclusions, both upstream limitations of the spec,
  which documents only 200 for every operation: 400 (invalid request) and 404 (no such job).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import httpx2
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import AcceptedNegativeData
from schemathesis.generation import GenerationMode
from schemathesis.generation.feedback import NO_FEEDBACK
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from ftjobs._server import DEFAULT_API_KEY, Server, _validate

from .spec_check import checker

SEED = 20261201
#: Generated cases per operation and mode (13 operations x 2 modes, where both apply).
MAX_EXAMPLES = 30
#: Upstream limitations: the spec documents no error response for any operation.
UNDOCUMENTED_4XX = {
    400: "invalid request (bad body, parameter or job state): the spec documents only 200",
    404: "no such job, checkpoint or permission (generated ids mostly do not exist): only 200 is documented",
}
AUTH = {"Authorization": f"Bearer {DEFAULT_API_KEY}"}
T0, STEP = 1_800_000_000.0, 1000.0
#: A checkpoint of the seeded jobs (the spec's checkpoints example).
CHECKPOINT = "ft:gpt-4o-mini-2024-07-18:my-org:custom-suffix:96olL566:ckpt-step-2000"


def _generation_spec() -> dict[str, Any]:
    document = _validate.strict_requests(_validate.load_spec())
    # Every request carries the right key (AUTH): auth is test_auth's business, and negative cases
    # that only drop the key would be valid requests once it is added.
    document.pop("security", None)
    return document


SCHEMA = schemathesis.openapi.from_dict(_generation_spec())
#: The files and Uploads routes are left out: their ids (files, uploads, parts) would need seeding and
#: ordering (a part before complete) this generic run does not do; test_spec_conformance drives every
#: one of them and checks each answer against the spec, tests/server/test_files.py their behaviour.
FILE_ROUTES = ("/files", "/uploads")
OPERATIONS = sorted(
    (op for op in (r.ok() for r in SCHEMA.get_all_operations()) if not op.path.startswith(FILE_ROUTES)),
    key=lambda op: op.label,
)
#: (operation, mode): negative cases only where something can be invalid (a body or a query
#: parameter; a path id is any string).
CASES = [
    pytest.param(op, mode, id=f"{op.label}-{mode.value}")
    for op in OPERATIONS
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
    if mode is GenerationMode.POSITIVE or op.body or op.query
]


class Tally:
    """Cases sent and responses by status, across the module (for docs/server.md and the report)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.statuses: dict[int, int] = {}
        self.by_case: dict[str, dict[int, int]] = {}

    def add(self, case: str, status: int) -> None:
        with self.lock:
            self.statuses[status] = self.statuses.get(status, 0) + 1
            counts = self.by_case.setdefault(case, {})
            counts[status] = counts.get(status, 0) + 1


TALLY = Tally()


def documented_status(ctx: Any, response: Any, case: Any) -> bool | None:
    """``status_code_conformance`` minus the two upstream limitations (UNDOCUMENTED_4XX)."""
    if response.status_code in UNDOCUMENTED_4XX:
        return None
    return status_code_conformance(ctx, response, case)


def spec_shapes(ctx: Any, response: Any, case: Any) -> bool | None:
    """The spec's own schemas, read as every other server test reads them (errors included)."""
    body = response.json()
    problems = checker().problems(
        case.method.upper(), "/v1" + case.formatted_path, response.status_code, body
    )
    assert not problems, problems
    return None


def negative_rejected(ctx: Any, response: Any, case: Any) -> bool | None:
    """``negative_data_rejection``, minus schemathesis' own false positive: deepObject query values
    (``metadata[k]=5``, ``metadata[k]=[]``) generated as non-strings travel as strings (or not at
    all), which is valid."""
    try:
        return negative_data_rejection(ctx, response, case)
    except AcceptedNegativeData as failure:
        query = case.query or {}
        values = [value for key, value in query.items() if key.startswith("metadata[")]
        if isinstance(query.get("metadata"), dict):  # the deepObject as one parameter
            values += list(query["metadata"].values())
        # Whatever schemathesis generates under ``metadata[k]`` reaches the server as text: scalars,
        # lists (flattened into repeated keys, nested ones too) and objects (sent as their Python
        # text, ``metadata[k]={'a': 1}``). A nested key, ``metadata[k][a]=1``, is a 400
        # (test_validation pins it).
        serialized_valid = bool(values)
        if "parameter `metadata` in query" in str(failure) and serialized_valid:
            return None
        raise


CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    content_type_conformance,
    negative_rejected,
    documented_status,
    spec_shapes,
]


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[Server, dict[str, list[str]]]]:
    """A server on a frozen clock with the seeded jobs (succeeded, queued) and created ones: one
    running job each for list calls, cancel and pause, and a paused one for resume."""
    with (
        Server(step_seconds=STEP, clock=lambda: T0) as server,
        httpx2.Client(base_url=server.url, headers=AUTH) as client,
    ):
        ids = [
            client.post(
                "/fine_tuning/jobs", json={"model": "gpt-4o-mini", "training_file": f"file-{i}"}
            ).json()["id"]
            for i in range(4)
        ]
        httpx2.post(
            server.root_url + "/_ftjobs/advance", json={"seconds": 3 * STEP}, headers=AUTH
        ).raise_for_status()
        client.post(f"/fine_tuning/jobs/{ids[3]}/pause").raise_for_status()
        assert {client.get(f"/fine_tuning/jobs/{i}").json()["status"] for i in ids[:3]} == {"running"}
        seeded = ["ftjob-abc123", "ftjob-abc", ids[0]]
        # Permissions on the seeded checkpoint, for list and (one each) delete calls.
        permissions = client.post(
            f"/fine_tuning/checkpoints/{CHECKPOINT}/permissions",
            json={"project_ids": [f"proj_{i}" for i in range(6)]},
        ).json()["data"]
        yield (
            server,
            {
                "cancelFineTuningJob": [*seeded, ids[1]],
                "pauseFineTuningJob": [*seeded, ids[2]],
                "resumeFineTuningJob": [*seeded, ids[3]],
                "": seeded,
                "permissions": [permission["id"] for permission in permissions],
            },
        )


@pytest.mark.parametrize(("operation", "mode"), CASES)
def test_schemathesis(
    server: tuple[Server, dict[str, list[str]]], operation: Any, mode: GenerationMode
) -> None:
    """Zero 5xx and zero schema violations for generated requests (see the module docstring)."""
    live, jobs = server
    job_ids = jobs.get(operation.definition.raw.get("operationId"), jobs[""])
    strategy = operation.as_strategy(generation_mode=mode, feedback=NO_FEEDBACK)
    if any(p.name == "fine_tuning_job_id" for p in operation.path_parameters):
        # Generated ids (404) and jobs that exist, so that the 200 answers are exercised too.
        strategy = st.one_of(
            strategy,
            *(
                operation.as_strategy(
                    generation_mode=mode, feedback=NO_FEEDBACK, path_parameters={"fine_tuning_job_id": i}
                )
                for i in job_ids
            ),
        )
    names = {p.name for p in operation.path_parameters}
    if "fine_tuned_model_checkpoint" in names:
        # Generated checkpoints (404) and the seeded one; for a delete, one existing permission each.
        fixed = (
            [{"fine_tuned_model_checkpoint": CHECKPOINT, "permission_id": i} for i in jobs["permissions"]]
            if "permission_id" in names
            else [{"fine_tuned_model_checkpoint": CHECKPOINT}]
        )
        strategy = st.one_of(
            strategy,
            *(
                operation.as_strategy(generation_mode=mode, feedback=NO_FEEDBACK, path_parameters=params)
                for params in fixed
            ),
        )

    @seed(SEED)
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def run(case: Any) -> None:
        response = case.call(base_url=live.url, headers=AUTH, timeout=10)
        TALLY.add(f"{operation.label} {mode.value}", response.status_code)
        case.validate_response(response, checks=CHECKS, headers=AUTH)

    run()


def test_zz_tally() -> None:
    """Runs last in this module: print the figures (pytest -s) and check that cases ran."""
    total = sum(TALLY.statuses.values())
    print(f"\nschemathesis: {total} cases, statuses {dict(sorted(TALLY.statuses.items()))}", flush=True)
    for case, counts in sorted(TALLY.by_case.items()):
        print(f"  {case}: {dict(sorted(counts.items()))}")
    if total:  # when the module ran as a whole: every operation also got valid answers
        assert all(200 in counts for case, counts in TALLY.by_case.items() if case.endswith("positive"))
        assert not any(status >= 500 for status in TALLY.statuses)
