"""The strict single-pass reader behind Job, JobEvent and Checkpoint (see ``_models`` for the policy).

Plain functions, one per schema, each reading a JSON object (already decoded) into its view of
``_types``. On the happy path nothing is raised or formatted: a check is a type test. The first
value of the wrong JSON type raises :class:`Invalid` with the key; each enclosing reader adds its
own key while the exception passes through (``try`` costs nothing until something is raised), so
the path is built only for the error message.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from ._types import (
    AutoFloat,
    AutoInt,
    CheckpointMetrics,
    DpoHyperparameters,
    DpoMethod,
    EvalContent,
    EvalItem,
    Grader,
    Integration,
    JobError,
    JobHyperparameters,
    LabelModelGrader,
    Method,
    MultiGrader,
    PythonGrader,
    ReinforcementHyperparameters,
    ReinforcementMethod,
    SamplingParams,
    ScoreModelGrader,
    StringCheckGrader,
    SupervisedHyperparameters,
    SupervisedMethod,
    TextSimilarityGrader,
    UnknownVariant,
    WandbIntegration,
)

T = TypeVar("T")
Obj = Mapping[str, Any]
_UTC = dt.UTC
_fromtimestamp = dt.datetime.fromtimestamp


def maker(cls: type[T]) -> type[T]:
    """A constructor for the frozen slotted attrs class cls, with the same keyword arguments and
    defaults, that fills the slots directly: attrs' frozen ``__init__`` goes through
    ``object.__setattr__`` for each field, which costs twice as much. The reader builds every view
    with one of these (mypy checks the calls against the class itself, see below)."""
    fields = attrs.fields(cls)  # type: ignore[arg-type]
    namespace: dict[str, Any] = {"_new": object.__new__, "_cls": cls, "_NOTHING": attrs.NOTHING}
    params, body = [], []
    for f in fields:
        slot = cls.__dict__[f.name]
        assert type(slot).__name__ == "member_descriptor", f"{cls.__name__}.{f.name} is not a slot"
        namespace[f"_set_{f.name}"] = slot.__set__
        if isinstance(f.default, attrs.Factory):  # type: ignore[arg-type]
            namespace[f"_factory_{f.name}"] = f.default.factory
            params.append(f"{f.name}=_NOTHING")
            body.append(f"    if {f.name} is _NOTHING:\n        {f.name} = _factory_{f.name}()\n")
        elif f.default is not attrs.NOTHING:
            namespace[f"_default_{f.name}"] = f.default
            params.append(f"{f.name}=_default_{f.name}")
        else:
            params.append(f.name)
        body.append(f"    _set_{f.name}(self, {f.name})\n")
    source = f"def make(*, {', '.join(params)}):\n    self = _new(_cls)\n{''.join(body)}    return self\n"
    exec(compile(source, f"<ftjobs fast init {cls.__name__}>", "exec"), namespace)  # noqa: S102
    make: type[T] = namespace["make"]
    return make


if not TYPE_CHECKING:  # the reader's constructors: the same names, the faster init (see maker)
    CheckpointMetrics = maker(CheckpointMetrics)
    DpoHyperparameters = maker(DpoHyperparameters)
    DpoMethod = maker(DpoMethod)
    EvalItem = maker(EvalItem)
    Integration = maker(Integration)
    JobError = maker(JobError)
    JobHyperparameters = maker(JobHyperparameters)
    LabelModelGrader = maker(LabelModelGrader)
    Method = maker(Method)
    MultiGrader = maker(MultiGrader)
    PythonGrader = maker(PythonGrader)
    ReinforcementHyperparameters = maker(ReinforcementHyperparameters)
    ReinforcementMethod = maker(ReinforcementMethod)
    SamplingParams = maker(SamplingParams)
    ScoreModelGrader = maker(ScoreModelGrader)
    StringCheckGrader = maker(StringCheckGrader)
    SupervisedHyperparameters = maker(SupervisedHyperparameters)
    SupervisedMethod = maker(SupervisedMethod)
    TextSimilarityGrader = maker(TextSimilarityGrader)
    UnknownVariant = maker(UnknownVariant)
    WandbIntegration = maker(WandbIntegration)


class Invalid(Exception):
    """A value of the wrong JSON type: ``path`` (innermost key first while it unwinds), what was
    expected, and the JSON type that came."""

    def __init__(self, key: str | int | None, expected: str, value: object) -> None:
        super().__init__(expected)
        self.path: list[str | int] = [] if key is None else [key]
        self.expected = expected
        self.got = json_type(value)

    def at(self, key: str | int) -> Invalid:
        """Add the enclosing key (readers call this while the exception unwinds)."""
        self.path.append(key)
        return self

    def message(self, root: str) -> str:
        """``root.a.b[0].c: expected ..., got ...``."""
        return f"{json_path(root, reversed(self.path))}: expected {self.expected}, got {self.got}"


def json_path(root: str, keys: Any) -> str:
    """``root.a[0].b`` for the keys ("a", 0, "b")."""
    return root + "".join(f"[{k}]" if isinstance(k, int) else f".{k}" for k in keys)


def json_type(value: object) -> str:
    """The JSON name of a decoded value's type (``integer``, ``list``, ``object``...)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list | tuple):
        return "list"
    if isinstance(value, Mapping):
        return "object"
    return type(value).__name__


def is_object(value: object) -> bool:
    return type(value) is dict or isinstance(value, Mapping)


# --- scalars: None when absent or null ----------------------------------------------------------


def string(d: Obj, key: str) -> str | None:
    v = d.get(key)
    if v is None or type(v) is str:
        return v
    if isinstance(v, str):
        return str(v)
    raise Invalid(key, "a string", v)


def required_string(d: Obj, key: str) -> str:
    v = d.get(key)
    if type(v) is str and v:
        return v
    raise Invalid(key, "a non-empty string", v)


def integer(d: Obj, key: str) -> int | None:
    v = d.get(key)
    if v is None or type(v) is int:
        return v
    if type(v) is float and v.is_integer():  # JSON Schema's integer: 3.0 is one
        return int(v)
    raise Invalid(key, "an integer", v)


def number(d: Obj, key: str) -> float | None:
    v = d.get(key)
    if v is None or type(v) is float or type(v) is int:
        return v
    raise Invalid(key, "a number", v)


def auto_int(d: Obj, key: str) -> AutoInt | None:
    v = d.get(key)
    if v is None or type(v) is int:
        return v
    if v == "auto":
        return "auto"
    if type(v) is float and v.is_integer():
        return int(v)
    raise Invalid(key, '"auto" or integer', v)


def auto_float(d: Obj, key: str) -> AutoFloat | None:
    v = d.get(key)
    if v is None or type(v) is float or type(v) is int:
        return v
    if v == "auto":
        return "auto"
    raise Invalid(key, '"auto" or number', v)


def time(d: Obj, key: str) -> dt.datetime | None:
    v = d.get(key)
    if v is None:
        return None
    if type(v) is not int and type(v) is not float:
        raise Invalid(key, "a Unix timestamp", v)
    try:
        return _fromtimestamp(v, _UTC)
    except (OverflowError, OSError, ValueError):
        raise Invalid(key, "a Unix timestamp in range", v) from None


def time_or_unknown(d: Obj, key: str) -> dt.datetime | None:
    """A Unix timestamp where 0 means "not known" (the API's ``estimated_finish: 0``): None then."""
    v = d.get(key)
    if (type(v) is int or type(v) is float) and v == 0:
        return None
    return time(d, key)


def strings(d: Obj, key: str) -> tuple[str, ...]:
    """A list of strings (empty when absent or null)."""
    v = d.get(key)
    if v is None:
        return ()
    if not isinstance(v, list):
        raise Invalid(key, "a list of strings", v)
    for i, s in enumerate(v):
        if type(s) is not str:
            raise Invalid(i, "a string", s).at(key)
    return tuple(v)


def numbers(d: Obj, key: str) -> tuple[float, ...]:
    v = d.get(key)
    if v is None:
        return ()
    if not isinstance(v, list):
        raise Invalid(key, "a list of numbers", v)
    for i, n in enumerate(v):
        if type(n) is not float and type(n) is not int:
            raise Invalid(i, "a number", n).at(key)
    return tuple(v)


def file_ids(d: Obj, key: str) -> tuple[str, ...]:
    """A list of file ids; 2023 schemas listed file objects, whose ``id`` is kept."""
    v = d.get(key)
    if v is None:
        return ()
    if not isinstance(v, list):
        raise Invalid(key, "a list of file ids", v)
    out = []
    for i, f in enumerate(v):
        if type(f) is str:
            out.append(f)
        elif is_object(f):
            out.append(required_file_id(f, i, key))
        else:
            raise Invalid(i, "a file id (string or file object)", f).at(key)
    return tuple(out)


def required_file_id(f: Obj, index: int, key: str) -> str:
    file_id = f.get("id")
    if type(file_id) is not str:
        raise Invalid("id", "a string", file_id).at(index).at(key)
    return file_id


def str_map(d: Obj, key: str) -> dict[str, str] | None:
    v = d.get(key)
    if v is None:
        return None
    if not is_object(v):
        raise Invalid(key, "an object of strings", v)
    for k, s in v.items():
        if type(s) is not str:
            raise Invalid(k, "a string", s).at(key)
    return dict(v)


def mapping(d: Obj, key: str) -> Obj | None:
    """An object kept as received (event ``data``)."""
    v = d.get(key)
    if v is None or is_object(v):
        return v
    raise Invalid(key, "an object", v)


# --- objects ------------------------------------------------------------------------------------


def sub(d: Obj, key: str, read: Callable[[Obj], T]) -> T | None:
    """The object under key read by ``read`` (None when absent or null)."""
    v = d.get(key)
    if v is None:
        return None
    if type(v) is not dict and not isinstance(v, Mapping):
        raise Invalid(key, "an object", v)
    try:
        return read(v)
    except Invalid as exc:
        raise exc.at(key) from None


def items(d: Obj, key: str, read: Callable[[Obj], T]) -> tuple[T, ...]:
    """A list of objects, each read by ``read`` (empty when absent or null)."""
    v = d.get(key)
    if v is None:
        return ()
    if not isinstance(v, list):
        raise Invalid(key, "a list", v)
    out = []
    for i, item in enumerate(v):
        if type(item) is not dict and not isinstance(item, Mapping):
            raise Invalid(i, "an object", item).at(key)
        try:
            out.append(read(item))
        except Invalid as exc:
            raise exc.at(i).at(key) from None
    return tuple(out)


def job_error(d: Obj) -> JobError:
    return JobError(code=string(d, "code"), message=string(d, "message"), param=string(d, "param"))


def job_hyperparameters(d: Obj) -> JobHyperparameters:
    return JobHyperparameters(
        batch_size=auto_int(d, "batch_size"),
        learning_rate_multiplier=auto_float(d, "learning_rate_multiplier"),
        n_epochs=auto_int(d, "n_epochs"),
    )


def supervised_hyperparameters(d: Obj) -> SupervisedHyperparameters:
    return SupervisedHyperparameters(
        batch_size=auto_int(d, "batch_size"),
        learning_rate_multiplier=auto_float(d, "learning_rate_multiplier"),
        n_epochs=auto_int(d, "n_epochs"),
    )


def dpo_hyperparameters(d: Obj) -> DpoHyperparameters:
    return DpoHyperparameters(
        batch_size=auto_int(d, "batch_size"),
        beta=auto_float(d, "beta"),
        learning_rate_multiplier=auto_float(d, "learning_rate_multiplier"),
        n_epochs=auto_int(d, "n_epochs"),
    )


def reinforcement_hyperparameters(d: Obj) -> ReinforcementHyperparameters:
    return ReinforcementHyperparameters(
        batch_size=auto_int(d, "batch_size"),
        compute_multiplier=auto_float(d, "compute_multiplier"),
        eval_interval=auto_int(d, "eval_interval"),
        eval_samples=auto_int(d, "eval_samples"),
        learning_rate_multiplier=auto_float(d, "learning_rate_multiplier"),
        n_epochs=auto_int(d, "n_epochs"),
        reasoning_effort=string(d, "reasoning_effort"),
    )


def supervised_method(d: Obj) -> SupervisedMethod:
    return SupervisedMethod(hyperparameters=sub(d, "hyperparameters", supervised_hyperparameters))


def dpo_method(d: Obj) -> DpoMethod:
    return DpoMethod(hyperparameters=sub(d, "hyperparameters", dpo_hyperparameters))


def reinforcement_method(d: Obj) -> ReinforcementMethod:
    return ReinforcementMethod(
        grader=grader_at(d, "grader"),
        hyperparameters=sub(d, "hyperparameters", reinforcement_hyperparameters),
    )


def method(d: Obj) -> Method:
    return Method(
        type=string(d, "type"),
        supervised=sub(d, "supervised", supervised_method),
        dpo=sub(d, "dpo", dpo_method),
        reinforcement=sub(d, "reinforcement", reinforcement_method),
    )


def wandb(d: Obj) -> WandbIntegration:
    return WandbIntegration(
        project=string(d, "project"),
        name=string(d, "name"),
        entity=string(d, "entity"),
        tags=strings(d, "tags"),
    )


def integration(d: Obj) -> Integration:
    return Integration(type=string(d, "type"), wandb=sub(d, "wandb", wandb), raw=d)


def checkpoint_metrics(d: Obj) -> CheckpointMetrics:
    return CheckpointMetrics(
        step=number(d, "step"),
        train_loss=number(d, "train_loss"),
        train_mean_token_accuracy=number(d, "train_mean_token_accuracy"),
        valid_loss=number(d, "valid_loss"),
        valid_mean_token_accuracy=number(d, "valid_mean_token_accuracy"),
        full_valid_loss=number(d, "full_valid_loss"),
        full_valid_mean_token_accuracy=number(d, "full_valid_mean_token_accuracy"),
    )


# --- graders: picked by their "type" tag --------------------------------------------------------


def string_check_grader(d: Obj) -> StringCheckGrader:
    return StringCheckGrader(
        name=string(d, "name"),
        input=string(d, "input"),
        reference=string(d, "reference"),
        operation=string(d, "operation"),
    )


def text_similarity_grader(d: Obj) -> TextSimilarityGrader:
    return TextSimilarityGrader(
        name=string(d, "name"),
        input=string(d, "input"),
        reference=string(d, "reference"),
        evaluation_metric=string(d, "evaluation_metric"),
    )


def python_grader(d: Obj) -> PythonGrader:
    return PythonGrader(name=string(d, "name"), source=string(d, "source"), image_tag=string(d, "image_tag"))


def sampling_params(d: Obj) -> SamplingParams:
    return SamplingParams(
        seed=integer(d, "seed"),
        top_p=number(d, "top_p"),
        temperature=number(d, "temperature"),
        max_completions_tokens=integer(d, "max_completions_tokens"),
        reasoning_effort=string(d, "reasoning_effort"),
    )


def score_model_grader(d: Obj) -> ScoreModelGrader:
    return ScoreModelGrader(
        name=string(d, "name"),
        model=string(d, "model"),
        input=items(d, "input", eval_item),
        range=numbers(d, "range"),
        sampling_params=sub(d, "sampling_params", sampling_params),
    )


def label_model_grader(d: Obj) -> LabelModelGrader:
    return LabelModelGrader(
        name=string(d, "name"),
        model=string(d, "model"),
        input=items(d, "input", eval_item),
        labels=strings(d, "labels"),
        passing_labels=strings(d, "passing_labels"),
    )


def multi_grader(d: Obj) -> MultiGrader:
    v = d.get("graders")
    graders: tuple[Grader, ...] = ()
    try:
        if isinstance(v, list):
            graders = tuple([_indexed_grader(g, i) for i, g in enumerate(v)])
        elif v is not None:
            graders = (grader(v, _NESTED),)
    except Invalid as exc:
        raise exc.at("graders") from None
    calculate_output = string(d, "calculate_output")
    return MultiGrader(name=string(d, "name"), graders=graders, calculate_output=calculate_output)


def _indexed_grader(value: object, index: int) -> Grader:
    try:
        return grader(value, _NESTED)
    except Invalid as exc:
        raise exc.at(index) from None


#: The spec's two grader unions: a job's grader, and the graders of a multi grader.
_GRADERS: dict[str, Callable[[Obj], Grader]] = {
    "string_check": string_check_grader,
    "text_similarity": text_similarity_grader,
    "python": python_grader,
    "score_model": score_model_grader,
    "multi": multi_grader,
}
_NESTED: dict[str, Callable[[Obj], Grader]] = {
    "string_check": string_check_grader,
    "text_similarity": text_similarity_grader,
    "python": python_grader,
    "score_model": score_model_grader,
    "label_model": label_model_grader,
}


def grader(value: object, union: Mapping[str, Callable[[Obj], Grader]] = _GRADERS) -> Grader:
    """The grader class named by the ``type`` tag; UnknownVariant for a tag that is not a member of
    this union (a grader type newer than the client, or one the spec does not allow there)."""
    if not is_object(value):
        raise Invalid(None, "a grader object", value)
    assert isinstance(value, Mapping)
    tag = value.get("type")
    if tag is not None and type(tag) is not str:
        raise Invalid("type", "a string", tag)
    read = union.get(tag) if tag is not None else None
    if read is None:
        return UnknownVariant(type=tag, raw=value)
    return read(value)


def grader_at(d: Obj, key: str) -> Grader | None:
    v = d.get(key)
    if v is None:
        return None
    try:
        return grader(v)
    except Invalid as exc:
        raise exc.at(key) from None


# --- eval messages (model graders' input) --------------------------------------------------------

#: Content objects by tag: the keys whose values must be strings, and those that must be objects.
_CONTENT_STRINGS: dict[str, tuple[str, ...]] = {
    "input_text": ("text",),
    "output_text": ("text",),
    "input_image": ("image_url", "detail"),
    "input_audio": (),
}
_CONTENT_OBJECTS: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "input_text": (("prompt_cache_breakpoint", ("mode",)),),
    "input_audio": (("input_audio", ("data", "format")),),
}


def eval_content(value: object, key: str | int) -> EvalContent:
    """A content piece: a string, or an object checked by its tag (an unknown tag is kept)."""
    if type(value) is str:
        return value
    if not is_object(value):
        raise Invalid(key, "a string or a content object", value)
    assert isinstance(value, Mapping)
    try:
        tag = string(value, "type")
        for name in _CONTENT_STRINGS.get(tag or "", ()):
            string(value, name)
        for name, inner in _CONTENT_OBJECTS.get(tag or "", ()):
            obj = value.get(name)
            if obj is None:
                continue
            if not is_object(obj):
                raise Invalid(name, "an object", obj)
            for field in inner:
                try:
                    string(obj, field)
                except Invalid as exc:
                    raise exc.at(name) from None
    except Invalid as exc:
        raise exc.at(key) from None
    return value


def eval_item(d: Obj) -> EvalItem:
    v = d.get("content")
    content: EvalContent | tuple[EvalContent, ...] | None
    if v is None:
        content = None
    elif isinstance(v, list):
        try:
            content = tuple([eval_content(piece, i) for i, piece in enumerate(v)])
        except Invalid as exc:
            raise exc.at("content") from None
    else:
        content = eval_content(v, "content")
    return EvalItem(role=string(d, "role"), content=content, type=string(d, "type"))
