"""The spec is the validator: create bodies and query parameters the spec forbids are 400s naming
the field (a JSON path); what it allows is accepted; nothing the server answers is not JSON."""

from __future__ import annotations

import json
from typing import Any

import jsonschema_rs  # schemathesis' validator (a dependency of the pinned schemathesis)
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ftjobs._server import _validate

from .conftest import Harness

#: ``format: uri`` as schemathesis checks a response (response_schema_conformance).
_RESPONSE_URI = jsonschema_rs.validator_for({"type": "string", "format": "uri"}, validate_formats=True)
GRADER = {
    "type": "string_check",
    "name": "g",
    "input": "{{sample.output_text}}",
    "reference": "x",
    "operation": "eq",
}


def _dpo(**hyperparameters: Any) -> dict[str, Any]:
    return {"method": {"type": "dpo", "dpo": {"hyperparameters": hyperparameters}}}


def _rl(grader: Any = None, **hyperparameters: Any) -> dict[str, Any]:
    detail: dict[str, Any] = {"grader": GRADER if grader is None else grader}
    if hyperparameters:
        detail["hyperparameters"] = hyperparameters
    return {"method": {"type": "reinforcement", "reinforcement": detail}}


def _wandb(**wandb: Any) -> dict[str, Any]:
    return {"integrations": [{"type": "wandb", "wandb": {"project": "p", **wandb}}]}


BAD: list[tuple[dict[str, Any], str, str]] = [
    # The findings: each was accepted, then served as a job failing the spec.
    (_dpo(beta="x"), "method.dpo.hyperparameters.beta", "invalid_value"),
    (_dpo(beta=99), "method.dpo.hyperparameters.beta", "invalid_value"),
    (_dpo(beta=0), "method.dpo.hyperparameters.beta", "invalid_value"),  # exclusiveMinimum 0
    (_rl(reasoning_effort="bogus"), "method.reinforcement.hyperparameters.reasoning_effort", "invalid_value"),
    (_rl(compute_multiplier="x"), "method.reinforcement.hyperparameters.compute_multiplier", "invalid_value"),
    (_rl(eval_interval=-3), "method.reinforcement.hyperparameters.eval_interval", "invalid_value"),
    (_rl(eval_samples=1.5), "method.reinforcement.hyperparameters.eval_samples", "invalid_type"),
    (_rl(grader={"type": "bogus"}), "method.reinforcement.grader.type", "invalid_value"),
    (_rl(grader={"name": "g"}), "method.reinforcement.grader.type", "missing_required_parameter"),
    (_rl(grader={**GRADER, "operation": "approx"}), "method.reinforcement.grader.operation", "invalid_value"),
    (
        _rl(grader={"type": "python", "name": "g"}),
        "method.reinforcement.grader.source",
        "missing_required_parameter",
    ),
    (_wandb(tags=[{}]), "integrations[0].wandb.tags[0]", "invalid_type"),
    (_wandb(name=5), "integrations[0].wandb.name", "invalid_type"),
    (
        {"integrations": [{"type": "wandb", "wandb": {}}]},
        "integrations[0].wandb.project",
        "missing_required_parameter",
    ),
    # Unknown keys, nested ones included.
    ({"colour": "red"}, "colour", "unknown_parameter"),
    (_wandb(team="x"), "integrations[0].wandb.team", "unknown_parameter"),
    (_dpo(beta=0.1, gamma=1), "method.dpo.hyperparameters.gamma", "unknown_parameter"),
    (
        {"method": {"type": "supervised", "supervised": {"epochs": 1}}},
        "method.supervised.epochs",
        "unknown_parameter",
    ),
    (_rl(grader={**GRADER, "extra": True}), "method.reinforcement.grader.extra", "unknown_parameter"),
    ({"hyperparameters": {"n_epochs": 1, "warmup": 2}}, "hyperparameters.warmup", "unknown_parameter"),
    # Types and bounds of the top level.
    ({"seed": 2_147_483_648}, "seed", "invalid_value"),
    ({"suffix": "x" * 65}, "suffix", "invalid_value"),
    ({"validation_file": 7}, "validation_file", "invalid_type"),
    (
        {"hyperparameters": {"learning_rate_multiplier": 0}},
        "hyperparameters.learning_rate_multiplier",
        "invalid_value",
    ),
    # Named checks: what the spec says only in prose or cannot say.
    ({"metadata": {f"k{i}": "v" for i in range(17)}}, "metadata", "invalid_value"),
    ({"metadata": {"k": "v" * 513}}, "metadata.k", "invalid_value"),
    ({"method": {"type": "dpo", "supervised": {}}}, "method.supervised", "invalid_value"),
    ({"method": {"type": "reinforcement"}}, "method.reinforcement.grader", "missing_required_parameter"),
    # Found by schemathesis: the request schema has no bound, the job's integrations hold 5 at most.
    ({"integrations": [{"type": "wandb", "wandb": {"project": "p"}}] * 6}, "integrations", "invalid_value"),
]


@pytest.mark.parametrize(("extra", "param", "code"), BAD, ids=[param for _, param, _ in BAD])
def test_bodies_the_spec_forbids_are_400s_naming_the_field(
    harness: Harness, extra: dict[str, Any], param: str, code: str
) -> None:
    """A 400 in the OpenAI shape whose param is the field's JSON path; no job is created."""
    before = len(harness.api.get("/fine_tuning/jobs", params={"limit": 100}).json()["data"])
    response = harness.api.post(
        "/fine_tuning/jobs", json={"model": "gpt-4o-mini", "training_file": "f", **extra}
    )
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert (error["type"], error["param"], error["code"]) == ("invalid_request_error", param, code)
    assert param in error["message"]
    assert len(harness.api.get("/fine_tuning/jobs", params={"limit": 100}).json()["data"]) == before


GOOD: list[dict[str, Any]] = [
    _dpo(beta=2, batch_size="auto", n_epochs=50, learning_rate_multiplier=0.01),
    _rl(reasoning_effort="high", compute_multiplier=10, eval_interval=1, eval_samples="auto"),
    _rl(
        grader={
            "type": "text_similarity",
            "name": "t",
            "input": "a",
            "reference": "b",
            "evaluation_metric": "bleu",
        }
    ),
    _wandb(name=None, entity=None, tags=["a", "b"]),
    # nullable: true in the spec allows null (read as OpenAPI 3.0 meant it)
    {"suffix": None, "validation_file": None, "seed": None, "integrations": None, "metadata": None},
    {"seed": 0, "suffix": "x" * 64, "metadata": {"k" * 64: "v" * 512}},
    {"model": "davinci-002", "hyperparameters": {"n_epochs": "auto", "batch_size": 256}},
]


@pytest.mark.parametrize("extra", GOOD)
def test_bodies_the_spec_allows_are_accepted(harness: Harness, extra: dict[str, Any]) -> None:
    body = {"model": "gpt-4o-mini", "training_file": "f", **extra}
    response = harness.api.post("/fine_tuning/jobs", json=body)
    assert response.status_code == 200, response.text  # and the conftest hook validated the job
    assert harness.job(response.json()["id"])["model"] == body["model"]


@pytest.mark.parametrize(
    ("raw", "param"),
    [
        (b'{"model": "m", "training_file": "f", "method": {"type": "dpo", "dpo": {"hyperparameters":'
         b' {"beta": NaN}}}}', "method.dpo.hyperparameters.beta"),
        (b'{"model": "m", "training_file": "f", "seed": Infinity}', "seed"),
        (b'{"model": "m", "training_file": "f", "hyperparameters": {"learning_rate_multiplier": -Infinity}}',
         "hyperparameters.learning_rate_multiplier"),
        (b'{"model": "m", "training_file": "f", "hyperparameters": {"learning_rate_multiplier": 1e999}}',
         "hyperparameters.learning_rate_multiplier"),
    ],
)  # fmt: skip
def test_non_finite_numbers_are_400s_and_never_stored(harness: Harness, raw: bytes, param: str) -> None:
    """Infinity/NaN (Python's parser takes them) are refused; every later answer is strict JSON."""
    response = harness.api.post(
        "/fine_tuning/jobs", content=raw, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400, response.text
    assert response.json()["error"]["param"] == param
    listing = harness.api.get("/fine_tuning/jobs", params={"limit": 100})

    def refuse(name: str) -> None:
        raise AssertionError(f"non-JSON token {name} in a response")

    json.loads(listing.text, parse_constant=refuse)


def test_the_named_finite_check_holds_without_the_http_parser() -> None:
    """The validator itself refuses NaN/Infinity (bodies reach it already parsed)."""
    spec = _validate.Spec()
    with pytest.raises(Exception, match="finite") as caught:
        spec.body("createFineTuningJob", {"model": "m", "training_file": "f", "seed": float("nan")})
    assert getattr(caught.value, "param", None) == "seed"


@pytest.mark.parametrize(
    ("path", "params", "param", "code"),
    [
        ("/fine_tuning/jobs", {"limit": "x"}, "limit", "invalid_type"),
        ("/fine_tuning/jobs", {"limit": "1.5"}, "limit", "invalid_type"),
        ("/fine_tuning/jobs", {"limit": "0"}, "limit", "integer_below_min_value"),
        ("/fine_tuning/jobs", {"limit": "101"}, "limit", "integer_above_max_value"),
        ("/fine_tuning/jobs", {"metadata": "x"}, "metadata", None),
        ("/fine_tuning/jobs", {"metadata[a][b]": "x"}, "metadata", None),  # found by schemathesis
        ("/fine_tuning/jobs/ftjob-abc123/events", {"limit": "x"}, "limit", "invalid_type"),
        ("/fine_tuning/jobs/ftjob-abc123/checkpoints", {"limit": "-1"}, "limit", "integer_below_min_value"),
    ],
)
def test_query_parameters_the_spec_forbids(
    harness: Harness, path: str, params: dict[str, str], param: str, code: str | None
) -> None:
    response = harness.api.get(path, params=params)
    assert response.status_code == 400, response.text
    assert (response.json()["error"]["param"], response.json()["error"]["code"]) == (param, code)


def test_list_defaults_come_from_the_spec(harness: Harness) -> None:
    """Page sizes default to the spec's: 20 jobs and events, 10 checkpoints."""
    spec = _validate.Spec()
    assert spec.parameters("listPaginatedFineTuningJobs", {}, [])["limit"] == 20
    assert spec.parameters("listFineTuningEvents", {"fine_tuning_job_id": "x"}, [])["limit"] == 20
    assert spec.parameters("listFineTuningJobCheckpoints", {"fine_tuning_job_id": "x"}, [])["limit"] == 10
    for _ in range(12):
        harness.create(method={"type": "supervised", "supervised": {"hyperparameters": {"n_epochs": 10}}})
    harness.advance(100)
    jobs = harness.api.get("/fine_tuning/jobs").json()
    assert len(jobs["data"]) == 14
    job_id = jobs["data"][0]["id"]
    assert len(harness.api.get(f"/fine_tuning/jobs/{job_id}/events").json()["data"]) == 20
    assert len(harness.api.get(f"/fine_tuning/jobs/{job_id}/checkpoints").json()["data"]) == 10


def test_routes_are_the_specs_operations() -> None:
    """The server routes exactly the spec's operations (and nothing else under /v1)."""
    spec = _validate.Spec()
    document = spec.document
    expected = {
        (method.upper(), tuple(path.strip("/").split("/")), operation["operationId"])
        for path, item in document["paths"].items()
        for method, operation in item.items()
    }
    assert {(r.method, r.segments, r.operation_id) for r in spec.routes} == expected
    # 8 job operations, 3 checkpoint permissions, 2 grader tools, 5 files and 4 Uploads operations
    assert len(expected) == 22
    assert spec.route("GET", ["fine_tuning", "jobs", ""]) == []
    assert spec.route("DELETE", ["fine_tuning", "jobs", "x"]) == ["GET"]


def test_the_packaged_spec_is_the_yaml_spec() -> None:
    """fine_tuning.json (what the server validates with) is openapi/fine_tuning.yaml, as regen writes it."""
    from scripts import regen, trim

    document, _ = trim.load_spec(regen.SPEC)
    assert _validate.load_spec() == document
    assert regen.SPEC_JSON.read_text(encoding="utf-8") == regen.spec_json(regen.SPEC)


# --- format: uri --------------------------------------------------------------------------------

#: The characters URIs are made of, and the ones that break them (space, quote, backslash, ...).
_URI_ALPHABET = [*"aZ09:/?#[]@!$&'()*+,;=%-._~", " ", '"', "\\", "|", "^", "{", "<", "`", "\x00", "é"]
_URI_PARTS = [
    "http:",
    "https://",
    "//",
    "[::1]",
    "[v1.x]",
    "%2F",
    "%zz",
    ":80",
    "@",
    "x.example",
    "?q=1",
    "#f",
]


@settings(max_examples=2000, deadline=None, database=None, derandomize=True)
@given(
    st.lists(st.sampled_from(_URI_PARTS) | st.text(st.sampled_from(_URI_ALPHABET), max_size=4), max_size=6)
)
def test_every_uri_the_server_accepts_a_response_validator_accepts(parts: list[str]) -> None:
    """The server checks ``format: uri`` in requests no looser than schemathesis checks it in the
    echoed response (jsonschema_rs): what passes the first passes the second, so no 200 is invalid."""
    text = "".join(parts)
    if _validate.FORMATS.conforms(text, "uri"):
        assert _RESPONSE_URI.is_valid(text), text


@pytest.mark.parametrize(
    ("text", "valid"),
    [
        ("https://example.com/cat.png", True),
        ("data:image/png;base64,iVBORw0KGgo=", True),  # what the API also takes for an image
        ("file:///tmp/a.png", True),
        ("a:", True),  # the shortest absolute URI: a scheme and an empty path
        ("", False),
        ("example.com/cat.png", False),  # no scheme
        ("//example.com/cat.png", False),  # a network-path reference
        ("https://example.com/a b.png", False),
        ("https://example.com/%zz", False),
        ("1http://x", False),  # a scheme starts with a letter
    ],
)
def test_uri_format_boundaries(text: str, valid: bool) -> None:
    """RFC 3986 ``URI``: a scheme, then only URI characters, percent signs followed by two hex digits."""
    assert _validate.FORMATS.conforms(text, "uri") is valid
    assert _RESPONSE_URI.is_valid(text) is valid
