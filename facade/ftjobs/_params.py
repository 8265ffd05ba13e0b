"""What ``jobs.create`` accepts, as TypedDicts: generated from the request schemas of the spec.

The TypedDicts are ``ftjobs_generated.params`` (``openapi/templates/params.py.jinja``, rendered by
``make regen``): a property the schema requires is ``Required``, the others may be left out;
``"auto"`` or a number is ``Literal["auto"] | int``; a string enum is a ``Literal``. Plain dicts
type-check against them::

    client.jobs.create(
        model="gpt-4o-mini",
        training_file="file-abc123",
        method={"type": "supervised", "supervised": {"hyperparameters": {"n_epochs": 3}}},
    )

A misspelt ``type`` (``"supervisd"``) or a value of the wrong kind (``method=42``) is a type error.
What is added here is not in the spec: ``extra_body`` and the per-call options. This module loads
with the first ``jobs.create`` (building a client does not need it).
"""

from collections.abc import Mapping
from typing import Any

from ftjobs_generated.params import (
    CreateJobParam,
    DpoHyperparametersParam,
    DpoMethodParam,
    EvalItemParam,
    GraderParam,
    HyperparametersParam,
    IntegrationParam,
    LabelModelGraderParam,
    MethodParam,
    MultiGraderParam,
    PythonGraderParam,
    ReinforcementHyperparametersParam,
    ReinforcementMethodParam,
    ScoreModelGraderParam,
    StringCheckGraderParam,
    SupervisedHyperparametersParam,
    SupervisedMethodParam,
    TextSimilarityGraderParam,
    WandbParam,
)

from ._options import RequestOptions

__all__ = [
    "CreateFields",
    "CreateParams",
    "DpoHyperparametersParam",
    "DpoMethodParam",
    "EvalItemParam",
    "GraderParam",
    "HyperparametersParam",
    "IntegrationParam",
    "LabelModelGraderParam",
    "MethodParam",
    "MultiGraderParam",
    "PythonGraderParam",
    "ReinforcementHyperparametersParam",
    "ReinforcementMethodParam",
    "ScoreModelGraderParam",
    "StringCheckGraderParam",
    "SupervisedHyperparametersParam",
    "SupervisedMethodParam",
    "TextSimilarityGraderParam",
    "WandbParam",
]


class CreateFields(CreateJobParam, total=False):
    """The keyword arguments of ``jobs.create``: ``CreateFineTuningJobRequest`` plus ``extra_body``.

    ``None`` means "leave the key out", for every optional key; ``extra_body`` is merged into the
    request body as is (for gateway-specific fields).
    """

    extra_body: Mapping[str, Any] | None


class CreateParams(CreateFields, RequestOptions, total=False):
    """The keyword arguments of ``jobs.create``: the request's fields and the per-call options
    (``extra_body`` is both: merged into the body before the body is checked)."""
