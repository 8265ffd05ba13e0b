# ruff: noqa: E501 - the example texts are kept verbatim, one line each
"""Jobs, events and checkpoints the server starts with, copied from the spec's examples.

The strings below are the ``x-oaiMeta.examples[].response`` texts of ``openapi/fine_tuning.yaml``,
verbatim (a test checks that they still are). They are not strict JSON (trailing commas,
``{ ... }`` placeholders), hence :func:`parse_lenient` (the project's one lenient parser).
"""

from __future__ import annotations

from .._lenient import parse_lenient

# Re-exported: the store parses the texts with it.
__all__ = [
    "CREATE_DPO_JOB",
    "LIST_CHECKPOINTS",
    "LIST_EVENTS",
    "LIST_JOBS",
    "RETRIEVE_JOB",
    "SOURCES",
    "parse_lenient",
]

# operation retrieveFineTuningJob
RETRIEVE_JOB: str = '{\n  "object": "fine_tuning.job",\n  "id": "ftjob-abc123",\n  "model": "davinci-002",\n  "created_at": 1692661014,\n  "error": null,\n  "finished_at": 1692661190,\n  "fine_tuned_model": "ft:davinci-002:my-org:custom_suffix:7q8mpxmy",\n  "organization_id": "org-123",\n  "result_files": [\n      "file-abc123"\n  ],\n  "status": "succeeded",\n  "validation_file": null,\n  "training_file": "file-abc123",\n  "hyperparameters": {\n      "n_epochs": 4,\n      "batch_size": 1,\n      "learning_rate_multiplier": 1.0\n  },\n  "trained_tokens": 5768,\n  "integrations": [],\n  "seed": 0,\n  "estimated_finish": 0,\n  "method": {\n    "type": "supervised",\n    "supervised": {\n      "hyperparameters": {\n        "n_epochs": 4,\n        "batch_size": 1,\n        "learning_rate_multiplier": 1.0\n      }\n    }\n  }\n}\n'
# operation listPaginatedFineTuningJobs
LIST_JOBS: str = '{\n  "object": "list",\n  "data": [\n    {\n      "object": "fine_tuning.job",\n      "id": "ftjob-abc123",\n      "model": "gpt-4o-mini-2024-07-18",\n      "created_at": 1721764800,\n      "fine_tuned_model": null,\n      "organization_id": "org-123",\n      "result_files": [],\n      "status": "queued",\n      "validation_file": null,\n      "training_file": "file-abc123",\n      "metadata": {\n        "key": "value"\n      }\n    },\n    { ... },\n    { ... }\n  ], "has_more": true\n}\n'
# operation createFineTuningJob, example 'DPO'
CREATE_DPO_JOB: str = '{\n  "object": "fine_tuning.job",\n  "id": "ftjob-abc",\n  "model": "gpt-4o-mini",\n  "created_at": 1746130590,\n  "fine_tuned_model": null,\n  "organization_id": "org-abc",\n  "result_files": [],\n  "status": "queued",\n  "validation_file": "file-123",\n  "training_file": "file-abc",\n  "method": {\n    "type": "dpo",\n    "dpo": {\n      "hyperparameters": {\n        "beta": 0.1,\n        "batch_size": "auto",\n        "learning_rate_multiplier": "auto",\n        "n_epochs": "auto"\n      }\n    }\n  },\n  "metadata": null,\n  "error": {\n    "code": null,\n    "message": null,\n    "param": null\n  },\n  "finished_at": null,\n  "hyperparameters": null,\n  "seed": 1036326793,\n  "estimated_finish": null,\n  "integrations": [],\n  "user_provided_suffix": null,\n  "usage_metrics": null,\n  "shared_with_openai": false\n}\n'
# operation listFineTuningEvents
LIST_EVENTS: str = '{\n  "object": "list",\n  "data": [\n    {\n      "object": "fine_tuning.job.event",\n      "id": "ft-event-ddTJfwuMVpfLXseO0Am0Gqjm",\n      "created_at": 1721764800,\n      "level": "info",\n      "message": "Fine tuning job successfully completed",\n      "data": null,\n      "type": "message"\n    },\n    {\n      "object": "fine_tuning.job.event",\n      "id": "ft-event-tyiGuB72evQncpH87xe505Sv",\n      "created_at": 1721764800,\n      "level": "info",\n      "message": "New fine-tuned model created: ft:gpt-4o-mini:openai::7p4lURel",\n      "data": null,\n      "type": "message"\n    }\n  ],\n  "has_more": true\n}\n'
# operation listFineTuningJobCheckpoints
LIST_CHECKPOINTS: str = '{\n  "object": "list",\n  "data": [\n    {\n      "object": "fine_tuning.job.checkpoint",\n      "id": "ftckpt_zc4Q7MP6XxulcVzj4MZdwsAB",\n      "created_at": 1721764867,\n      "fine_tuned_model_checkpoint": "ft:gpt-4o-mini-2024-07-18:my-org:custom-suffix:96olL566:ckpt-step-2000",\n      "metrics": {\n        "full_valid_loss": 0.134,\n        "full_valid_mean_token_accuracy": 0.874\n      },\n      "fine_tuning_job_id": "ftjob-abc123",\n      "step_number": 2000\n    },\n    {\n      "object": "fine_tuning.job.checkpoint",\n      "id": "ftckpt_enQCFmOTGj3syEpYVhBRLTSy",\n      "created_at": 1721764800,\n      "fine_tuned_model_checkpoint": "ft:gpt-4o-mini-2024-07-18:my-org:custom-suffix:7q8mpxmy:ckpt-step-1000",\n      "metrics": {\n        "full_valid_loss": 0.167,\n        "full_valid_mean_token_accuracy": 0.781\n      },\n      "fine_tuning_job_id": "ftjob-abc123",\n      "step_number": 1000\n    }\n  ],\n  "first_id": "ftckpt_zc4Q7MP6XxulcVzj4MZdwsAB",\n  "last_id": "ftckpt_enQCFmOTGj3syEpYVhBRLTSy",\n  "has_more": true\n}\n'

#: name of the constant above -> (path, method, example title or None), for the drift test.
SOURCES: dict[str, tuple[str, str, str | None]] = {
    "RETRIEVE_JOB": ("/fine_tuning/jobs/{fine_tuning_job_id}", "get", None),
    "LIST_JOBS": ("/fine_tuning/jobs", "get", None),
    "CREATE_DPO_JOB": ("/fine_tuning/jobs", "post", "DPO"),
    "LIST_EVENTS": ("/fine_tuning/jobs/{fine_tuning_job_id}/events", "get", None),
    "LIST_CHECKPOINTS": ("/fine_tuning/jobs/{fine_tuning_job_id}/checkpoints", "get", None),
}
