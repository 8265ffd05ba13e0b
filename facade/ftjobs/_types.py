"""The public views of a job's nested objects: flat, frozen, absent or null is ``None``.

Each class mirrors one schema of the spec (``openapi/fine_tuning.yaml``), field for field in
snake_case; a test walks those schemas so that the views cannot drift from them. Lists are tuples
(empty when absent), hyperparameters are ``Literal["auto"] | int`` (or ``float``), open-ended enums
(method type, reasoning effort, grader operations) are plain ``str`` so that a value added upstream
still parses. Unions are picked by their ``type`` tag: a tag the client does not know gives an
:class:`UnknownVariant` that keeps the object as received. The reader is ``_parse.py``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, TypeAlias

import attrs

#: A hyperparameter the server may choose: ``"auto"``, or the value it chose (or was given).
AutoInt: TypeAlias = Literal["auto"] | int
AutoFloat: TypeAlias = Literal["auto"] | float


@attrs.frozen(kw_only=True)
class UnknownVariant:
    """A union member this client does not know (a new grader type...): its tag and the raw object."""

    type: str | None
    raw: Mapping[str, Any] = attrs.field(repr=False, eq=False)


@attrs.frozen(kw_only=True)
class JobError:
    """Why a job failed (``job.error``)."""

    code: str | None = None
    message: str | None = None
    #: The invalid parameter (``training_file``...), None when the failure is not about one.
    param: str | None = None


@attrs.frozen(kw_only=True)
class JobHyperparameters:
    """``job.hyperparameters``: the supervised hyperparameters (the API's older, top-level copy)."""

    batch_size: AutoInt | None = None
    learning_rate_multiplier: AutoFloat | None = None
    n_epochs: AutoInt | None = None


@attrs.frozen(kw_only=True)
class SupervisedHyperparameters:
    """Hyperparameters of a supervised job."""

    batch_size: AutoInt | None = None
    learning_rate_multiplier: AutoFloat | None = None
    n_epochs: AutoInt | None = None


@attrs.frozen(kw_only=True)
class DpoHyperparameters:
    """Hyperparameters of a DPO job."""

    batch_size: AutoInt | None = None
    beta: AutoFloat | None = None
    learning_rate_multiplier: AutoFloat | None = None
    n_epochs: AutoInt | None = None


@attrs.frozen(kw_only=True)
class ReinforcementHyperparameters:
    """Hyperparameters of a reinforcement job; ``reasoning_effort`` is ``default``, ``low``... ."""

    batch_size: AutoInt | None = None
    compute_multiplier: AutoFloat | None = None
    eval_interval: AutoInt | None = None
    eval_samples: AutoInt | None = None
    learning_rate_multiplier: AutoFloat | None = None
    n_epochs: AutoInt | None = None
    reasoning_effort: str | None = None


@attrs.frozen(kw_only=True)
class SamplingParams:
    """How a score-model grader samples its model."""

    seed: int | None = None
    top_p: float | None = None
    temperature: float | None = None
    max_completions_tokens: int | None = None
    reasoning_effort: str | None = None


#: One piece of an eval message: a template string, or a content object (``input_text``,
#: ``output_text``, ``input_image``, ``input_audio``), checked by its ``type`` and kept as received.
EvalContent: TypeAlias = str | Mapping[str, Any]


@attrs.frozen(kw_only=True)
class EvalItem:
    """A message given to a model grader: its role and content (one piece, or a tuple of pieces)."""

    role: str | None = None
    content: EvalContent | tuple[EvalContent, ...] | None = None
    type: str | None = None


@attrs.frozen(kw_only=True)
class StringCheckGrader:
    """Compares input and reference with ``operation`` (``eq``, ``ne``, ``like``, ``ilike``)."""

    type: Literal["string_check"] = "string_check"
    name: str | None = None
    input: str | None = None
    reference: str | None = None
    operation: str | None = None


@attrs.frozen(kw_only=True)
class TextSimilarityGrader:
    """Grades input against reference with ``evaluation_metric`` (``fuzzy_match``, ``bleu``...)."""

    type: Literal["text_similarity"] = "text_similarity"
    name: str | None = None
    input: str | None = None
    reference: str | None = None
    evaluation_metric: str | None = None


@attrs.frozen(kw_only=True)
class PythonGrader:
    """Runs ``source`` (a Python script) in the image ``image_tag``."""

    type: Literal["python"] = "python"
    name: str | None = None
    source: str | None = None
    image_tag: str | None = None


@attrs.frozen(kw_only=True)
class ScoreModelGrader:
    """A model scores the input; ``range`` is the score range (``(0, 1)`` when the server omits it)."""

    type: Literal["score_model"] = "score_model"
    name: str | None = None
    model: str | None = None
    input: tuple[EvalItem, ...] = ()
    range: tuple[float, ...] = ()
    sampling_params: SamplingParams | None = None


@attrs.frozen(kw_only=True)
class LabelModelGrader:
    """A model labels each item; items labelled one of ``passing_labels`` pass."""

    type: Literal["label_model"] = "label_model"
    name: str | None = None
    model: str | None = None
    input: tuple[EvalItem, ...] = ()
    labels: tuple[str, ...] = ()
    passing_labels: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class MultiGrader:
    """Combines ``graders`` with the formula ``calculate_output``.

    The spec types ``graders`` as one grader and documents a list in its example: both parse, into
    a tuple. Its members are those of the spec's union there (label_model yes, multi no: a type that
    is not a member reads as an UnknownVariant, as a label_model grader does as a job's grader).
    """

    type: Literal["multi"] = "multi"
    name: str | None = None
    graders: tuple[Grader, ...] = ()
    calculate_output: str | None = None


Grader: TypeAlias = (
    StringCheckGrader
    | TextSimilarityGrader
    | PythonGrader
    | ScoreModelGrader
    | MultiGrader
    | LabelModelGrader
    | UnknownVariant
)


@attrs.frozen(kw_only=True)
class SupervisedMethod:
    """``method.supervised``."""

    hyperparameters: SupervisedHyperparameters | None = None


@attrs.frozen(kw_only=True)
class DpoMethod:
    """``method.dpo``."""

    hyperparameters: DpoHyperparameters | None = None


@attrs.frozen(kw_only=True)
class ReinforcementMethod:
    """``method.reinforcement``: the grader and the hyperparameters."""

    grader: Grader | None = None
    hyperparameters: ReinforcementHyperparameters | None = None


@attrs.frozen(kw_only=True)
class Method:
    """How the job trains: ``type`` (``supervised``, ``dpo``, ``reinforcement``, or a newer one kept
    as the string) and the settings of that type."""

    type: str | None = None
    supervised: SupervisedMethod | None = None
    dpo: DpoMethod | None = None
    reinforcement: ReinforcementMethod | None = None


@attrs.frozen(kw_only=True)
class WandbIntegration:
    """Weights and Biases settings of a job."""

    project: str | None = None
    name: str | None = None
    entity: str | None = None
    tags: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class Integration:
    """One integration of a job. ``type`` is ``"wandb"`` today; another type still parses, with
    ``wandb`` None and the object as received in ``raw``."""

    type: str | None = None
    wandb: WandbIntegration | None = None
    raw: Mapping[str, Any] = attrs.field(factory=dict, repr=False, eq=False)


@attrs.frozen(kw_only=True)
class CheckpointMetrics:
    """Training and validation metrics at a checkpoint's step."""

    step: float | None = None
    train_loss: float | None = None
    train_mean_token_accuracy: float | None = None
    valid_loss: float | None = None
    valid_mean_token_accuracy: float | None = None
    full_valid_loss: float | None = None
    full_valid_mean_token_accuracy: float | None = None
