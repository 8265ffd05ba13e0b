"""What ``jobs.create`` accepts, as TypedDicts: the request shapes of the spec, typed for users.

Each TypedDict mirrors one schema of ``openapi/fine_tuning.yaml`` (named in its docstring), key for
key: a property the schema requires is ``Required``, the others may be left out; ``"auto"`` or a
number is ``Literal["auto"] | int``; a string enum is a ``Literal``. ``tests/facade/test_params.py``
walks the spec and fails when a schema and its TypedDict drift apart, so these stay in sync with the
spec the way generated code would. Plain dicts type-check against them::

    client.jobs.create(
        model="gpt-4o-mini",
        training_file="file-abc123",
        method={"type": "supervised", "supervised": {"hyperparameters": {"n_epochs": 3}}},
    )

A misspelt ``type`` (``"supervisd"``) or a value of the wrong kind (``method=42``) is a type error.
"""

from collections.abc import Mapping, Sequence
from typing import Any, Literal, Required, TypeAlias, TypedDict

Auto: TypeAlias = Literal["auto"]
MethodType: TypeAlias = Literal["supervised", "dpo", "reinforcement"]


class HyperparametersParam(TypedDict, total=False):
    """``CreateFineTuningJobRequest.hyperparameters`` (deprecated upstream: prefer ``method``)."""

    batch_size: Auto | int
    learning_rate_multiplier: Auto | float
    n_epochs: Auto | int


class SupervisedHyperparametersParam(TypedDict, total=False):
    """``FineTuneSupervisedHyperparameters``."""

    batch_size: Auto | int
    learning_rate_multiplier: Auto | float
    n_epochs: Auto | int


class SupervisedMethodParam(TypedDict, total=False):
    """``FineTuneSupervisedMethod``."""

    hyperparameters: SupervisedHyperparametersParam


class DpoHyperparametersParam(TypedDict, total=False):
    """``FineTuneDPOHyperparameters``."""

    beta: Auto | float
    batch_size: Auto | int
    learning_rate_multiplier: Auto | float
    n_epochs: Auto | int


class DpoMethodParam(TypedDict, total=False):
    """``FineTuneDPOMethod``."""

    hyperparameters: DpoHyperparametersParam


class ReinforcementHyperparametersParam(TypedDict, total=False):
    """``FineTuneReinforcementHyperparameters``."""

    batch_size: Auto | int
    learning_rate_multiplier: Auto | float
    n_epochs: Auto | int
    reasoning_effort: Literal["default", "low", "medium", "high"]
    compute_multiplier: Auto | float
    eval_interval: Auto | int
    eval_samples: Auto | int


class PromptCacheBreakpointParam(TypedDict, total=False):
    """``PromptCacheBreakpointConfig``."""

    mode: Required[Literal["explicit"]]


class InputTextParam(TypedDict, total=False):
    """``InputTextContent``."""

    type: Required[Literal["input_text"]]
    text: Required[str]
    prompt_cache_breakpoint: PromptCacheBreakpointParam


class OutputTextParam(TypedDict, total=False):
    """``EvalItemContentOutputText``."""

    type: Required[Literal["output_text"]]
    text: Required[str]


class InputImageParam(TypedDict, total=False):
    """``EvalItemInputImage``."""

    type: Required[Literal["input_image"]]
    image_url: Required[str]
    detail: str


class InputAudioDataParam(TypedDict, total=False):
    """``InputAudio.input_audio``."""

    data: Required[str]
    format: Required[Literal["mp3", "wav"]]


class InputAudioParam(TypedDict, total=False):
    """``InputAudio``."""

    type: Required[Literal["input_audio"]]
    input_audio: Required[InputAudioDataParam]


#: ``EvalItemContentItem``: plain text or one typed content part.
EvalContentItemParam: TypeAlias = str | InputTextParam | OutputTextParam | InputImageParam | InputAudioParam


class EvalItemParam(TypedDict, total=False):
    """``EvalItem``: one message of a model grader's prompt."""

    role: Required[Literal["user", "assistant", "system", "developer"]]
    content: Required[EvalContentItemParam | Sequence[EvalContentItemParam]]
    type: Literal["message"]


class StringCheckGraderParam(TypedDict, total=False):
    """``GraderStringCheck``."""

    type: Required[Literal["string_check"]]
    name: Required[str]
    input: Required[str]
    reference: Required[str]
    operation: Required[Literal["eq", "ne", "like", "ilike"]]


class TextSimilarityGraderParam(TypedDict, total=False):
    """``GraderTextSimilarity``."""

    type: Required[Literal["text_similarity"]]
    name: Required[str]
    input: Required[str]
    reference: Required[str]
    evaluation_metric: Required[
        Literal[
            "cosine",
            "fuzzy_match",
            "bleu",
            "gleu",
            "meteor",
            "rouge_1",
            "rouge_2",
            "rouge_3",
            "rouge_4",
            "rouge_5",
            "rouge_l",
        ]
    ]


class PythonGraderParam(TypedDict, total=False):
    """``GraderPython``."""

    type: Required[Literal["python"]]
    name: Required[str]
    source: Required[str]
    image_tag: str


class SamplingParamsParam(TypedDict, total=False):
    """``GraderScoreModel.sampling_params``."""

    seed: int | None
    top_p: float | None
    temperature: float | None
    max_completions_tokens: int | None
    reasoning_effort: Literal["none", "minimal", "low", "medium", "high", "xhigh", "max"] | None


class ScoreModelGraderParam(TypedDict, total=False):
    """``GraderScoreModel``."""

    type: Required[Literal["score_model"]]
    name: Required[str]
    model: Required[str]
    sampling_params: SamplingParamsParam
    input: Required[Sequence[EvalItemParam]]
    range: Sequence[float]


class LabelModelGraderParam(TypedDict, total=False):
    """``GraderLabelModel``."""

    type: Required[Literal["label_model"]]
    name: Required[str]
    model: Required[str]
    input: Required[Sequence[EvalItemParam]]
    labels: Required[Sequence[str]]
    passing_labels: Required[Sequence[str]]


class MultiGraderParam(TypedDict, total=False):
    """``GraderMulti`` (upstream, ``graders`` is a single grader object, not a list)."""

    type: Required[Literal["multi"]]
    name: Required[str]
    graders: Required[
        StringCheckGraderParam
        | TextSimilarityGraderParam
        | PythonGraderParam
        | ScoreModelGraderParam
        | LabelModelGraderParam
    ]
    calculate_output: Required[str]


#: ``FineTuneReinforcementMethod.grader``: one of the graders, chosen by its ``type``.
GraderParam: TypeAlias = (
    StringCheckGraderParam
    | TextSimilarityGraderParam
    | PythonGraderParam
    | ScoreModelGraderParam
    | MultiGraderParam
)


class ReinforcementMethodParam(TypedDict, total=False):
    """``FineTuneReinforcementMethod``."""

    grader: Required[GraderParam]
    hyperparameters: ReinforcementHyperparametersParam


class MethodParam(TypedDict, total=False):
    """``FineTuneMethod``: ``type`` names the method; its configuration sits under that key."""

    type: Required[MethodType]
    supervised: SupervisedMethodParam
    dpo: DpoMethodParam
    reinforcement: ReinforcementMethodParam


class WandbParam(TypedDict, total=False):
    """``CreateFineTuningJobRequest.integrations[].wandb``."""

    project: Required[str]
    name: str | None
    entity: str | None
    tags: Sequence[str]


class IntegrationParam(TypedDict, total=False):
    """``CreateFineTuningJobRequest.integrations[]``: Weights and Biases is the only type."""

    type: Required[Literal["wandb"]]
    wandb: Required[WandbParam]


#: ``Metadata``: up to 16 string keys and values.
MetadataParam: TypeAlias = Mapping[str, str]


class CreateFields(TypedDict, total=False):
    """The keyword arguments of ``jobs.create``: ``CreateFineTuningJobRequest`` plus ``extra_body``.

    ``None`` means "leave the key out", for every optional key; ``extra_body`` is merged into the
    request body as is (for gateway-specific fields).
    """

    model: Required[str]
    training_file: Required[str]
    method: MethodParam | None
    validation_file: str | None
    suffix: str | None
    seed: int | None
    metadata: MetadataParam | None
    integrations: Sequence[IntegrationParam] | None
    hyperparameters: HyperparametersParam | None
    extra_body: Mapping[str, Any] | None
