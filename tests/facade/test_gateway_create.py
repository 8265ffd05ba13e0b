"""The backends' own create fields (GatewayCreateFields, overlay 10): typed keywords of jobs.create,
sent in the body as given; a misspelt one is named before sending."""

from __future__ import annotations

import json
from typing import Any

import httpx2
import pytest

import ftjobs

from .helpers import Recorder, job_json, make_client

FIELDS: dict[str, Any] = {
    "role_arn": "arn:aws:iam::123456789012:role/ft",
    "job_name": "support-v1",
    "output_file": "s3://ft-data/out/",
    "customization_type": "FINE_TUNING",
    "model_type": "text",
    "provider_options": {"output_file": "s3://ft-data/out/", "nested": {"a": [1, 2]}},
    "portkey_options": {"x-portkey-virtual-key": "vk-bedrock"},
    "trainingType": "globalstandard",
}


def test_every_gateway_field_goes_in_the_body_as_given() -> None:
    recorder = Recorder(lambda request: httpx2.Response(200, json=job_json()))
    with make_client(recorder) as client:
        client.jobs.create(model="m", training_file="s3%3A%2F%2Fft-data%2Ftrain.jsonl", **FIELDS)
        client.jobs.create(model="m", training_file="f", role_arn=None, trainingType=None)  # None: left out
    sent = [json.loads(r.content) for r in recorder.requests]
    assert sent[0] == {"model": "m", "training_file": "s3%3A%2F%2Fft-data%2Ftrain.jsonl", **FIELDS}
    assert sent[1] == {"model": "m", "training_file": "f"}


@pytest.mark.parametrize(
    ("wrong", "meant"),
    [
        ("role_ar", "role_arn"),
        ("jobname", "job_name"),
        ("training_type", "trainingType"),
        ("portkey_option", "portkey_options"),
    ],
)
def test_a_misspelt_field_is_named_before_sending(wrong: str, meant: str) -> None:
    recorder = Recorder(lambda request: httpx2.Response(200, json=job_json()))
    with (
        make_client(recorder) as client,
        pytest.raises(ftjobs.InvalidArgumentError, match=f"did you mean '{meant}'"),
    ):
        client.jobs.create(model="m", training_file="f", **{wrong: "x"})
    assert recorder.requests == []
