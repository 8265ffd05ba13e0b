"""The typed views of a job: graders by tag, the tolerance policy, error paths, generated, Page."""

from __future__ import annotations

from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ftjobs
from ftjobs._models import parse_page

BASE: dict[str, Any] = {"object": "fine_tuning.job", "id": "ftjob-1", "status": "running"}


def job(**fields: Any) -> ftjobs.Job:
    return ftjobs.Job.from_dict({**BASE, **fields})


def reinforcement(grader: Any) -> ftjobs.Job:
    return job(method={"type": "reinforcement", "reinforcement": {"grader": grader}})


def grader_of(grader: Any) -> ftjobs.Grader | None:
    method = reinforcement(grader).method
    assert method is not None and method.reinforcement is not None
    return method.reinforcement.grader


def message(document: Any, cls: type[Any] = ftjobs.Job) -> str:
    with pytest.raises(ftjobs.ResponseValidationError) as info:
        cls.from_dict(document)
    return str(info.value)


# --- unions: the tag picks the class ------------------------------------------------------------

STRING_CHECK = {"type": "string_check", "name": "s", "input": "{{a}}", "reference": "b", "operation": "eq"}
TEXT_SIMILARITY = {"type": "text_similarity", "name": "t", "input": "a", "reference": "b"}
TEXT_SIMILARITY |= {"evaluation_metric": "bleu"}
PYTHON = {"type": "python", "name": "p", "source": "def grade(s, i): return 1", "image_tag": "2025-05-08"}
SCORE_MODEL = {
    "type": "score_model",
    "name": "m",
    "model": "o4-mini",
    "input": [{"role": "user", "content": ["text", {"type": "input_text", "text": "t"}]}],
    "range": [0, 1.5],
    "sampling_params": {"seed": 3, "temperature": 1, "reasoning_effort": "high"},
}
LABEL_MODEL = {"type": "label_model", "name": "l", "model": "o4-mini", "input": [], "labels": ["a", "b"]}
LABEL_MODEL |= {"passing_labels": ["a"]}


def test_each_grader_type_parses_to_its_own_class() -> None:
    """string_check, text_similarity, python and score_model each give their class, fields filled."""
    check = grader_of(STRING_CHECK)
    assert check == ftjobs.StringCheckGrader(name="s", input="{{a}}", reference="b", operation="eq")
    similarity = grader_of(TEXT_SIMILARITY)
    assert isinstance(similarity, ftjobs.TextSimilarityGrader) and similarity.evaluation_metric == "bleu"
    python = grader_of(PYTHON)
    assert isinstance(python, ftjobs.PythonGrader)
    assert (python.type, python.image_tag) == ("python", "2025-05-08")
    score = grader_of(SCORE_MODEL)
    assert isinstance(score, ftjobs.ScoreModelGrader)
    assert score.range == (0, 1.5) and score.model == "o4-mini"
    assert score.sampling_params == ftjobs.SamplingParams(seed=3, temperature=1, reasoning_effort="high")
    assert score.input == (ftjobs.EvalItem(role="user", content=("text", ftjobs.InputText(text="t"))),)


def test_multi_grader_reads_its_graders_by_tag_as_a_list_or_one_object() -> None:
    """A multi grader's graders (a list, as documented, or one object, as typed) are each by tag."""
    multi = grader_of(
        {"type": "multi", "name": "x", "graders": [STRING_CHECK, LABEL_MODEL], "calculate_output": "1"}
    )
    assert isinstance(multi, ftjobs.MultiGrader) and multi.calculate_output == "1"
    assert [type(g) for g in multi.graders] == [ftjobs.StringCheckGrader, ftjobs.LabelModelGrader]
    label = multi.graders[1]
    assert isinstance(label, ftjobs.LabelModelGrader) and label.passing_labels == ("a",)
    single = grader_of({"type": "multi", "graders": PYTHON})
    assert isinstance(single, ftjobs.MultiGrader) and single.graders == (
        ftjobs.PythonGrader(**_fields(PYTHON)),
    )


def _fields(grader: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in grader.items() if k != "type"}


@pytest.mark.parametrize(
    "grader",
    [
        {"type": "bogus"},
        {"type": "endpoint", "name": "new", "url": "https://example.com"},
        {"name": "no tag"},
        LABEL_MODEL,  # label_model is not a member of a job's grader union in the spec
    ],
)
def test_a_grader_the_union_does_not_know_is_an_unknown_variant(grader: dict[str, Any]) -> None:
    """An unknown (or missing) tag gives UnknownVariant keeping the object, never a known class."""
    parsed = grader_of(grader)
    assert isinstance(parsed, ftjobs.UnknownVariant)
    assert parsed.type == grader.get("type") and parsed.raw == grader


def test_a_multi_grader_inside_a_multi_grader_is_an_unknown_variant() -> None:
    """multi is not a member of a multi grader's union: the nested one is kept as received."""
    inner = {"type": "multi", "graders": [STRING_CHECK]}
    outer = grader_of({"type": "multi", "graders": [inner, {"type": "new_kind"}]})
    assert isinstance(outer, ftjobs.MultiGrader)
    assert outer.graders == (
        ftjobs.UnknownVariant(type="multi", raw=inner),
        ftjobs.UnknownVariant(type="new_kind", raw={"type": "new_kind"}),
    )
    assert [g.raw for g in outer.graders if isinstance(g, ftjobs.UnknownVariant)] == [
        inner,
        {"type": "new_kind"},
    ]


def test_an_integration_of_an_unknown_type_parses_and_keeps_its_object() -> None:
    """A wandb integration is read; a newer type parses with wandb None and the object in raw."""
    wandb = {"type": "wandb", "wandb": {"project": "p", "tags": ["a"], "entity": None}}
    other = {"type": "comet", "comet": {"workspace": "w"}}
    parsed = job(integrations=[wandb, other]).integrations
    assert parsed[0].wandb == ftjobs.WandbIntegration(project="p", tags=("a",))
    assert (parsed[1].type, parsed[1].wandb, parsed[1].raw) == ("comet", None, other)


# --- tolerance policy ---------------------------------------------------------------------------


def test_absent_and_null_read_as_none_and_lists_as_empty_tuples() -> None:
    """Omitted keys and nulls are None at every depth; absent lists are (); nothing is Unset."""
    parsed = job(
        error=None,
        hyperparameters={"n_epochs": None},
        method={"type": None, "supervised": {"hyperparameters": None}, "dpo": None},
        integrations=None,
    )
    assert parsed.error is None and parsed.integrations == () and parsed.result_files == ()
    assert parsed.hyperparameters == ftjobs.JobHyperparameters()
    assert parsed.method == ftjobs.Method(supervised=ftjobs.SupervisedMethod())
    fields = [f.name for f in attrs.fields(ftjobs.JobHyperparameters) if f.name != "raw"]
    values = [getattr(parsed.hyperparameters, name) for name in fields]
    assert values == [None, None, None]


def test_hyperparameters_are_auto_or_numbers() -> None:
    """ "auto" stays "auto"; integers stay ints (an integer is a fine learning rate multiplier)."""
    method = {
        "type": "dpo",
        "dpo": {"hyperparameters": {"beta": "auto", "n_epochs": 3, "learning_rate_multiplier": 2}},
    }
    parsed = job(method=method, hyperparameters={"n_epochs": "auto", "batch_size": 8})
    assert parsed.hyperparameters == ftjobs.JobHyperparameters(n_epochs="auto", batch_size=8)
    assert parsed.method is not None and parsed.method.dpo is not None
    assert parsed.method.dpo.hyperparameters == ftjobs.DpoHyperparameters(
        beta="auto", n_epochs=3, learning_rate_multiplier=2
    )


def test_an_integral_number_is_an_integer() -> None:
    """3.0 is an integer (JSON Schema's meaning), read as the int 3; 2.5 is not one (see below)."""
    parsed = job(seed=42.0, hyperparameters={"n_epochs": 3.0, "batch_size": 8})
    assert parsed.seed == 42 and type(parsed.seed) is int
    assert parsed.hyperparameters is not None and type(parsed.hyperparameters.n_epochs) is int


def test_open_enums_keep_unknown_values() -> None:
    """A new method type, reasoning effort or grader operation parses as the string."""
    hyper = {"reasoning_effort": "extreme"}
    grader = {**STRING_CHECK, "operation": "regex"}
    parsed = job(method={"type": "distill", "reinforcement": {"grader": grader, "hyperparameters": hyper}})
    assert parsed.method_type == "distill"
    assert parsed.method is not None and parsed.method.reinforcement is not None
    assert parsed.method.reinforcement.hyperparameters == ftjobs.ReinforcementHyperparameters(
        reasoning_effort="extreme"
    )
    assert isinstance(parsed.method.reinforcement.grader, ftjobs.StringCheckGrader)
    assert parsed.method.reinforcement.grader.operation == "regex"


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (
            {"hyperparameters": {"n_epochs": [1]}},
            'job.hyperparameters.n_epochs: expected "auto" or integer, got list',
        ),
        (
            {"hyperparameters": {"n_epochs": "three"}},
            'job.hyperparameters.n_epochs: expected "auto" or integer, got string',
        ),
        (
            {"hyperparameters": {"batch_size": True}},
            'job.hyperparameters.batch_size: expected "auto" or integer, got boolean',
        ),
        (
            {"hyperparameters": {"n_epochs": 2.5}},
            'job.hyperparameters.n_epochs: expected "auto" or integer, got number',
        ),
        ({"error": {"code": True}}, "job.error.code: expected a string, got boolean"),  # a number: Vertex
        ({"error": {"message": []}}, "job.error.message: expected a string, got list"),
        ({"error": ["boom"]}, "job.error: expected an object, got list"),  # a string: Bedrock's message
        ({"seed": True}, "job.seed: expected an integer, got boolean"),
        ({"metadata": {"a": 1}}, "job.metadata.a: expected a string, got integer"),
        (
            {"result_files": ["f", 2]},
            "job.result_files[1]: expected a file id (string or file object), got integer",
        ),
        (
            {"integrations": [{"type": "wandb", "wandb": {"project": "p", "tags": ["a", None]}}]},
            "job.integrations[0].wandb.tags[1]: expected a string, got null",
        ),
        (
            {
                "method": {
                    "type": "supervised",
                    "supervised": {"hyperparameters": {"learning_rate_multiplier": "x"}},
                }
            },
            'job.method.supervised.hyperparameters.learning_rate_multiplier: expected "auto" or number, got'
            " string",
        ),
        (
            {
                "method": {
                    "reinforcement": {
                        "grader": {"type": "multi", "graders": [STRING_CHECK, {**PYTHON, "source": 3}]}
                    }
                }
            },
            "job.method.reinforcement.grader.graders[1].source: expected a string, got integer",
        ),
        (
            {
                "method": {
                    "reinforcement": {
                        "grader": {**SCORE_MODEL, "input": [{"content": [{"type": "input_text", "text": 5}]}]}
                    }
                }
            },
            "job.method.reinforcement.grader.input[0].content[0].text: expected a string, got integer",
        ),
        (
            {"method": {"reinforcement": {"grader": {"type": 7}}}},
            "job.method.reinforcement.grader.type: expected a string, got integer",
        ),
        (
            {"method": {"reinforcement": {"grader": []}}},
            "job.method.reinforcement.grader: expected an object, got list",
        ),
        ({"id": None}, "job.id: expected a non-empty string, got null"),
    ],
)
def test_a_wrong_json_type_anywhere_names_its_path(fields: dict[str, Any], expected: str) -> None:
    """The first value of the wrong JSON type raises ResponseValidationError: path, expected, got."""
    assert message({**BASE, **fields}) == expected


def test_event_and_checkpoint_errors_name_their_paths() -> None:
    """Events and checkpoints use the same reader: their errors name event.* / checkpoint.*."""
    event = {"object": "fine_tuning.job.event", "id": "e", "level": ["info"]}
    assert message(event, ftjobs.JobEvent) == "event.level: expected a string, got list"
    checkpoint = {"id": "c", "metrics": {"step": 1, "valid_loss": "low"}}
    assert (
        message(checkpoint, ftjobs.Checkpoint)
        == "checkpoint.metrics.valid_loss: expected a number, got string"
    )
    assert message(5, ftjobs.Checkpoint) == "expected a fine_tuning.job.checkpoint object, got integer"


def test_checkpoint_metrics_and_event_data_parse() -> None:
    """Checkpoint metrics are a CheckpointMetrics view; event data stays the mapping received."""
    metrics = {"step": 88, "train_loss": 0.478, "full_valid_mean_token_accuracy": 0.944}
    checkpoint = ftjobs.Checkpoint.from_dict({"id": "ckpt", "metrics": metrics, "step_number": 88})
    assert checkpoint.metrics == ftjobs.CheckpointMetrics(
        step=88, train_loss=0.478, full_valid_mean_token_accuracy=0.944
    )
    event = ftjobs.JobEvent.from_dict({"id": "e", "data": {"step": 1, "x": [1]}, "level": "warn"})
    assert event.data == {"step": 1, "x": [1]} and event.level == "warn"


# --- generated, views, pages --------------------------------------------------------------------


@pytest.mark.parametrize(
    "fields", [{"object": None}, {"method": None}, {"method": {}}, {"integrations": [{}]}, {}]
)
def test_generated_never_raises_anything_but_response_validation_error(fields: dict[str, Any]) -> None:
    """job.generated builds the generated model, or raises ResponseValidationError (never ValueError...)."""
    parsed = job(**fields)
    try:
        built: str | None = parsed.generated.id
    except ftjobs.ResponseValidationError as exc:
        built = str(exc)[:4]
    assert built in ("ftjob-1", "job.", "job:")


class _InvalidData(ValueError):
    def __init__(self) -> None:
        super().__init__("bad")
        self.path, self.expected, self.got = ("method", "supervised", 0), "an object", "list"


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (_InvalidData(), "job.method.supervised[0]: expected an object, got list"),
        (TypeError("unhashable"), "job: does not match the generated FineTuningJob: TypeError: unhashable"),
        (RecursionError("deep"), "job: does not match the generated FineTuningJob: RecursionError: deep"),
    ],
)
def test_generated_errors_become_response_validation_errors(
    monkeypatch: pytest.MonkeyPatch, error: Exception, expected: str
) -> None:
    """Whatever the generated from_dict raises is ResponseValidationError, with its path when it has one."""
    from ftjobs_generated.models import FineTuningJob

    def fail(src_dict: Any) -> Any:
        raise error

    monkeypatch.setattr(FineTuningJob, "from_dict", fail)
    with pytest.raises(ftjobs.ResponseValidationError) as info:
        job().generated  # noqa: B018
    assert str(info.value) == expected
    assert info.value.__cause__ is error


def test_the_generated_layers_invalid_data_gives_the_message(monkeypatch: pytest.MonkeyPatch) -> None:
    """ftjobs_generated.types.InvalidData (path, expected, got) becomes the same path-naming message."""
    from ftjobs_generated.models import FineTuningJob
    from ftjobs_generated.types import InvalidData

    def fail(src_dict: Any) -> Any:
        raise InvalidData(("integrations", 0, "wandb"), "an object", "string")

    monkeypatch.setattr(FineTuningJob, "from_dict", fail)
    with pytest.raises(
        ftjobs.ResponseValidationError,
        match=r"^job\.integrations\[0\]\.wandb: expected an object, got string$",
    ):
        job().generated  # noqa: B018


def test_views_are_frozen() -> None:
    """Every view is immutable."""
    parsed = job(hyperparameters={"n_epochs": 1}, error={"code": "c"})
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        parsed.hyperparameters.n_epochs = 2  # type: ignore[misc,union-attr]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        parsed.error.code = "d"  # type: ignore[misc,union-attr]


def test_page_items_are_typed_and_errors_name_the_item() -> None:
    """A page holds its items; a bad item is named list.data[i]...; has_more null reads as False."""
    page = parse_page(
        {"object": "list", "data": [BASE, {**BASE, "id": "ftjob-2"}], "has_more": None}, ftjobs.Job
    )
    assert isinstance(page, ftjobs.Page) and [j.id for j in page.items] == ["ftjob-1", "ftjob-2"]
    assert page.has_more is False and page.next_after == "ftjob-2"
    bad = {"object": "list", "data": [BASE, {**BASE, "hyperparameters": {"n_epochs": {}}}], "has_more": False}
    with pytest.raises(
        ftjobs.ResponseValidationError, match=r"^list\.data\[1\]\.hyperparameters\.n_epochs: expected"
    ):
        parse_page(bad, ftjobs.Job)
    with pytest.raises(
        ftjobs.ResponseValidationError, match=r"^list\.has_more: expected a boolean, got string"
    ):
        parse_page({"data": [], "has_more": "yes"}, ftjobs.Job)


def test_the_models_docstring_states_the_policy() -> None:
    """The tolerance policy is written where the readers live (and in docs/typing.md)."""
    from ftjobs_generated import _views_runtime

    assert _views_runtime.__doc__ is not None
    assert "Tolerance policy" in _views_runtime.__doc__ and "wrong JSON type" in _views_runtime.__doc__


def test_the_readers_constructor_matches_the_classes_own() -> None:
    """maker() builds the same frozen object as the class, defaults and factories included."""
    from ftjobs_generated._views_runtime import maker

    make_integration = maker(ftjobs.Integration)
    built = make_integration(type="wandb")
    assert built == ftjobs.Integration(type="wandb") and built.raw == {} and built.wandb is None
    assert make_integration(type="a").raw is not make_integration(type="b").raw  # a fresh factory value
    grader = maker(ftjobs.PythonGrader)(name="p")
    assert grader == ftjobs.PythonGrader(name="p") and grader.type == "python"
    assert hash(grader) == hash(ftjobs.PythonGrader(name="p"))
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        grader.name = "q"  # type: ignore[misc]
    with pytest.raises(TypeError):
        maker(ftjobs.Job)(status=ftjobs.JobStatus.RUNNING)  # type: ignore[call-arg]  # no default for id


def test_page_is_generic() -> None:
    """Page[Job] is a real parametrisation: the pagers and first_page() are typed by it."""
    assert ftjobs.Page[ftjobs.Job].__origin__ is ftjobs.Page  # type: ignore[attr-defined]


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=4),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=10,
)
_KEYS = st.sampled_from(
    ["object", "method", "error", "hyperparameters", "integrations", "result_files", "seed"]
)


@settings(derandomize=True, database=None, deadline=None, max_examples=300)
@given(st.dictionaries(_KEYS, _JSON))
def test_every_attribute_of_a_parsed_job_raises_only_ftjobs_errors(fields: dict[str, Any]) -> None:
    """Whatever parsed, reading any attribute (generated included) raises nothing but ftjobs errors."""
    try:
        parsed = job(**fields)
    except ftjobs.ResponseValidationError:
        return
    for name in [f.name for f in attrs.fields(ftjobs.Job)] + ["method_type", "generated"]:
        try:
            getattr(parsed, name)
        except ftjobs.ResponseValidationError:
            assert name == "generated"
    assert parsed.to_dict() == {**BASE, **fields}


def test_the_readers_constructors_fill_every_field_of_every_generated_class() -> None:
    """Each generated class read from a minimal object has every attrs field set to its default (the
    readers' constructors fill the slots one by one: a field they forgot would be an unset slot)."""
    from ftjobs_generated import views

    found = [getattr(views, name) for name in views.__all__]
    classes = [c for c in found if isinstance(c, type) and attrs.has(c) and hasattr(c, "_read")]
    assert len(classes) >= 30 and ftjobs.Job in classes and ftjobs.GraderRunErrors in classes
    minimal = {"id": "x-1", "status": "queued"}
    for cls in classes:
        parsed = cls._read(minimal)
        for f in attrs.fields(cls):
            value = getattr(parsed, f.name)  # AttributeError for a slot left unset
            if f.name in ("id", "status", "raw"):
                continue
            default = f.default.factory() if isinstance(f.default, attrs.Factory) else f.default  # type: ignore[arg-type]
            assert value == default, (cls.__name__, f.name)
