"""The local server's grader tools: scores (string_check operations, text_similarity metrics),
templates, validation and the 400 for what cannot run offline; checkpoint permission edge cases.

The metric values below were cross-checked once against the reference implementations (rapidfuzz
``fuzz.ratio`` / 100 for fuzzy_match; NLTK ``sentence_bleu`` and ``sentence_gleu`` on the same
tokens): 2,000 random sentence pairs, no difference above 1e-9. Neither library is a dependency.
"""

from __future__ import annotations

from typing import Any

import httpx2
import pytest
from schemathesis.core.failures import FailureGroup

from ftjobs._server import _graders

from .conftest import Harness

RUN = "/fine_tuning/alpha/graders/run"
VALIDATE = "/fine_tuning/alpha/graders/validate"
CHECKPOINT = "ft:gpt-4o-mini-2024-07-18:my-org:custom-suffix:96olL566:ckpt-step-2000"


def _check(operation: str, reference: str = "{{item.label}}") -> dict[str, Any]:
    return {
        "type": "string_check",
        "name": "s",
        "input": "{{sample.output_text}}",
        "reference": reference,
        "operation": operation,
    }


def _similar(metric: str) -> dict[str, Any]:
    return {
        "type": "text_similarity",
        "name": "t",
        "input": "{{sample.output_text}}",
        "reference": "{{item.ref}}",
        "evaluation_metric": metric,
    }


def _run(harness: Harness, grader: dict[str, Any], sample: str, item: dict[str, Any] | None = None) -> Any:
    body: dict[str, Any] = {"grader": grader, "model_sample": sample}
    if item is not None:
        body["item"] = item
    return harness.api.post(RUN, json=body)


@pytest.mark.parametrize(
    ("operation", "sample", "label", "reward"),
    [
        ("eq", "Paris", "Paris", 1.0),
        ("eq", "paris", "Paris", 0.0),
        ("ne", "paris", "Paris", 1.0),
        ("ne", "Paris", "Paris", 0.0),
        ("like", "It is Paris.", "Paris", 1.0),
        ("like", "It is paris.", "Paris", 0.0),
        ("ilike", "It is PARIS.", "paris", 1.0),
        ("ilike", "It is Lyon.", "paris", 0.0),
    ],
)
def test_string_check_operations(
    harness: Harness, operation: str, sample: str, label: str, reward: float
) -> None:
    response = _run(harness, _check(operation), sample, {"label": label})
    assert response.status_code == 200, response.text
    assert response.json()["reward"] == reward
    assert response.json()["metadata"]["type"] == "string_check"


SAMPLE, REFERENCE = "the cat sat on the mat today", "the cat is sitting on the mat today"


@pytest.mark.parametrize(
    ("metric", "reward"),
    [
        ("fuzzy_match", 0.8571428571428571),  # rapidfuzz fuzz.ratio 85.71...
        ("bleu", 0.42383656282787796),  # NLTK sentence_bleu
        ("gleu", 0.5),  # NLTK sentence_gleu
        ("rouge_1", 2 * (6 / 7) * (6 / 8) / (6 / 7 + 6 / 8)),  # 6 shared words of 7 and 8
        ("rouge_2", 2 * (4 / 6) * (4 / 7) / (4 / 6 + 4 / 7)),  # the cat, on the, the mat, mat today
        ("rouge_3", 2 * (2 / 5) * (2 / 6) / (2 / 5 + 2 / 6)),  # on the mat, the mat today
        ("rouge_l", 2 * (6 / 7) * (6 / 8) / (6 / 7 + 6 / 8)),  # LCS: the cat on the mat today
    ],
)
def test_text_similarity_metrics(harness: Harness, metric: str, reward: float) -> None:
    response = _run(harness, _similar(metric), SAMPLE, {"ref": REFERENCE})
    assert response.status_code == 200, response.text
    assert response.json()["reward"] == pytest.approx(reward)


def test_identical_texts_score_one_and_disjoint_ones_zero() -> None:
    for metric in sorted(_graders.RUNNABLE_METRICS):
        assert _graders.similarity(metric, "one two three four five", "one two three four five") == 1.0
        assert _graders.similarity(metric, "", "one") == 0.0
        disjoint = _graders.similarity(metric, "abc def ghi jkl", "xyz uvw rst opq")
        assert disjoint == (0.2 if metric == "fuzzy_match" else 0.0)  # fuzzy: the 3 spaces, 2 * 3 / 30


def test_templates_fill_from_the_sample_and_the_item(harness: Harness) -> None:
    nested = _check("eq", reference="{{ item.a.b }}-{{item.list.1}}")
    assert _run(harness, nested, "x-z", {"a": {"b": "x"}, "list": ["y", "z"]}).json()["reward"] == 1.0
    as_json = {**_check("eq", reference="42"), "input": "{{sample.output_json.answer}}"}
    assert _run(harness, as_json, '{"answer": 42}').json()["reward"] == 1.0  # numbers as JSON text
    unknown = _run(harness, _check("eq"), "x", {"other": "x"}).json()
    assert unknown["reward"] == 0.0 and unknown["metadata"]["errors"]["invalid_variable_error"] is True
    not_json = _run(harness, as_json, "not json").json()
    assert not_json["reward"] == 0.0 and not_json["metadata"]["errors"]["sample_parse_error"] is True
    namespace = _run(harness, _check("eq", reference="{{model.name}}"), "x").json()
    assert namespace["metadata"]["errors"]["invalid_variable_error"] is True


@pytest.mark.parametrize(
    ("grader", "param"),
    [
        (_similar("cosine"), "grader.evaluation_metric"),
        (_similar("meteor"), "grader.evaluation_metric"),
        (
            {"type": "python", "name": "p", "source": "def grade(sample, item):\n    return 1.0\n"},
            "grader.type",
        ),
        (
            {
                "type": "score_model",
                "name": "m",
                "model": "gpt-4o-mini",
                "input": [{"role": "user", "content": "x"}],
            },
            "grader.type",
        ),
        (
            {"type": "multi", "name": "m", "graders": _similar("cosine"), "calculate_output": "t"},
            "grader.graders.evaluation_metric",
        ),
    ],
)
def test_what_needs_a_model_or_a_sandbox_is_a_clear_400(
    harness: Harness, grader: dict[str, Any], param: str
) -> None:
    response = _run(harness, grader, "x", {"label": "x", "ref": "x"})
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert (error["code"], error["param"]) == ("unsupported_grader", param)
    assert error["message"].startswith("The local server cannot")
    assert harness.api.post(VALIDATE, json={"grader": grader}).status_code == 200  # valid all the same


def test_multi_grader_runs_its_formula_over_its_graders(harness: Harness) -> None:
    """The sub-grader's score is the variable named by its name; a bad formula is formula_parse_error."""
    check = {**_check("ilike"), "name": "label"}
    for formula, sample, reward in (
        ("label", "yes", 1.0),
        ("0.5 * label + 0.25", "yes", 0.75),
        ("max(label, 0.2) ^ 2", "no", 0.04000000000000001),
        ("-(label - 1) / 2", "no", 0.5),
    ):
        multi = {"type": "multi", "name": "m", "graders": check, "calculate_output": formula}
        answer = _run(harness, multi, sample, {"label": "YES"}).json()
        assert answer["reward"] == pytest.approx(reward), (formula, answer)
        assert answer["sub_rewards"] == {"label": 1.0 if sample == "yes" else 0.0}
    for formula in ("other + 1", "label +", "__import__('os')", "label.real", "2 ** 1000", "label / 0"):
        multi = {"type": "multi", "name": "m", "graders": check, "calculate_output": formula}
        answer = _run(harness, multi, "yes", {"label": "yes"}).json()
        assert answer["reward"] == 0.0 and answer["metadata"]["errors"]["formula_parse_error"] is True, (
            formula
        )


def test_validate_checks_the_schema_and_python_source(harness: Harness) -> None:
    ok = harness.api.post(VALIDATE, json={"grader": _check("eq")})
    assert ok.status_code == 200 and ok.json() == {"grader": _check("eq")}
    for grader, param in (
        ({**_check("eq"), "operation": "regex"}, "grader.operation"),
        ({k: v for k, v in _check("eq").items() if k != "reference"}, "grader.reference"),
        ({**_check("eq"), "extra": 1}, "grader.extra"),
        ({"type": "python", "name": "p", "source": "def grade(:"}, "grader.source"),
        ({"type": "python", "name": "p", "source": "x = 1"}, "grader.source"),
        ({"type": "nope", "name": "p"}, "grader.type"),
    ):
        response = harness.api.post(VALIDATE, json={"grader": grader})
        assert response.status_code == 400, (grader, response.text)
        assert response.json()["error"]["param"] == param, response.json()
    assert harness.api.post(RUN, json={"grader": _check("eq")}).json()["error"]["param"] == "model_sample"


def test_permission_edges(harness: Harness) -> None:
    base = f"/fine_tuning/checkpoints/{CHECKPOINT}/permissions"
    empty = harness.api.post(base, json={"project_ids": []})
    assert (empty.status_code, empty.json()["error"]["param"]) == (400, "project_ids")
    blank = harness.api.post(base, json={"project_ids": ["p", " "]})
    assert (blank.status_code, blank.json()["error"]["param"]) == (400, "project_ids[1]")
    assert harness.api.get(base, params={"order": "sideways"}).status_code == 400
    assert harness.api.get(base, params={"limit": 0}).status_code == 400
    made = harness.api.post(base, json={"project_ids": ["p1", "p1", "p2"]}).json()["data"]
    assert [p["project_id"] for p in made] == ["p1", "p2"]  # a repeat is one permission
    assert harness.api.get(base, params={"after": "cp_unknown"}).json()["data"] == []
    other = (
        "/fine_tuning/checkpoints/ft:davinci-002:my-org:custom_suffix:7q8mpxmy/permissions"  # a job's model
    )
    assert harness.api.get(other).json()["data"] == []
    wrong = harness.api.delete(f"{other}/{made[0]['id']}")  # the permission is not on that checkpoint
    assert (wrong.status_code, wrong.json()["error"]["param"]) == (404, "permission_id")
    # A checkpoint of a job created here, once the job reaches it.
    job = harness.create()
    harness.advance(100)
    checkpoints = harness.api.get(f"/fine_tuning/jobs/{job['id']}/checkpoints").json()["data"]
    name = checkpoints[0]["fine_tuned_model_checkpoint"]
    assert harness.api.get(f"/fine_tuning/checkpoints/{name}/permissions").status_code == 200
    assert harness.api.get("/fine_tuning/checkpoints/ft:gpt-4o-mini:unknown/permissions").status_code == 404


def _label_model(content: Any) -> dict[str, Any]:
    """A multi grader around a label_model grader whose one message has ``content``."""
    return {
        "type": "multi",
        "name": "m",
        "calculate_output": "l",
        "graders": {
            "type": "label_model",
            "name": "l",
            "model": "gpt-4o-mini",
            "labels": ["yes", "no"],
            "passing_labels": ["yes"],
            "input": [{"role": "user", "content": content}],
        },
    }


def _schemathesis_verdict(body: dict[str, Any], response: Any) -> None:
    """schemathesis' own response_schema_conformance (formats checked) on a validateGrader answer."""
    import schemathesis
    from schemathesis.specs.openapi.checks import response_schema_conformance

    from .conformance_schemathesis import AUTH, SCHEMA

    case = SCHEMA["/fine_tuning/alpha/graders/validate"]["POST"].Case(body=body, headers=AUTH)
    case.validate_response(schemathesis.Response.from_any(response), checks=[response_schema_conformance])


@pytest.mark.parametrize(
    ("image_url", "where"),
    [
        ("not a uri", "content.image_url"),
        ("", "content.image_url"),
        ("https://example.com/a b.png", "content.image_url"),
        ("//example.com/a.png", "content.image_url"),  # a reference, not an absolute URI
    ],
)
@pytest.mark.parametrize("listed", [False, True], ids=["one-item", "list"])
def test_an_image_url_that_is_no_uri_is_a_400_naming_it(
    harness: Harness, image_url: str, where: str, listed: bool
) -> None:
    """issue 21: an input_image whose image_url breaks the spec's ``format: uri`` (here with
    ``detail: ""``) was echoed with a 200 the response schema rejects; it is a 400 naming the field."""
    image = {"type": "input_image", "image_url": image_url, "detail": ""}
    body = {"grader": _label_model([image] if listed else image)}
    response = harness.api.post(VALIDATE, json=body)
    assert response.status_code == 400
    error = response.json()["error"]
    path = "grader.graders.input[0]." + where.replace("content.", "content[0]." if listed else "content.")
    assert error["param"] == path
    assert error["code"] == "invalid_value"
    assert "absolute URI" in error["message"]
    # The 200 echo the server used to send is what schemathesis rejects (ST108): the check bites.
    echo = httpx2.Response(200, json=body, request=response.request)
    echo.elapsed = response.elapsed
    with pytest.raises(FailureGroup, match="Response violates schema"):
        _schemathesis_verdict(body, echo)


@pytest.mark.parametrize("detail", ["", "high", "auto", None])
def test_a_valid_image_grader_is_answered_with_a_body_schemathesis_accepts(
    harness: Harness, detail: str | None
) -> None:
    """With a real URI the grader is echoed (``detail`` is any string in the spec, "" included), and
    schemathesis' response check, formats included, accepts the answer."""
    image = {"type": "input_image", "image_url": "https://example.com/cat.png"}
    if detail is not None:
        image["detail"] = detail
    body = {"grader": _label_model([image, "{{item.question}}"])}
    response = harness.api.post(VALIDATE, json=body)
    assert response.status_code == 200, response.text
    assert response.json() == body
    _schemathesis_verdict(body, response)


def test_a_job_grader_with_a_bad_image_url_is_a_400(harness: Harness) -> None:
    """The same check on create: a reinforcement job's score_model grader (the job echoes it too)."""
    grader = {
        "type": "score_model",
        "name": "s",
        "model": "gpt-4o-mini",
        "input": [{"role": "user", "content": {"type": "input_image", "image_url": "x y"}}],
    }
    method = {"type": "reinforcement", "reinforcement": {"grader": grader}}
    response = harness.api.post(
        "/fine_tuning/jobs", json={"model": "m", "training_file": "f", "method": method}
    )
    assert response.status_code == 400
    assert response.json()["error"]["param"] == "method.reinforcement.grader.input[0].content.image_url"
