"""`jobs.create` refuses an unknown keyword argument before sending, with "did you mean" (as every other
option does); `extra_body` is how a field the spec does not know yet reaches the server."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx2
import pytest

import ftjobs
from ftjobs._params import CreateFields, CreateParams

from .helpers import Recorder, job_json, make_async_client, make_client


def api(request: httpx2.Request) -> httpx2.Response:
    return httpx2.Response(200, json=job_json(status="validating_files"))


TYPOS = [
    ({"model": "gpt-4o-mini", "training_file": "file-1", "suffx": "x"}, "'suffx'; did you mean 'suffix'?"),
    ({"model": "gpt-4o-mini", "training_fle": "f"}, "'training_fle'; did you mean 'training_file'?"),
    ({"model": "gpt-4o-mini", "training_file": "f", "timout": 3}, "'timout'; did you mean 'timeout'?"),
    ({"model": "gpt-4o-mini", "training_file": "f", "qqqzz": 1}, "'qqqzz' (a field"),
]


@pytest.mark.parametrize(("kwargs", "named"), TYPOS, ids=[list(k)[-1] for k, _ in TYPOS])
def test_an_unknown_keyword_is_refused_before_sending(kwargs: dict[str, Any], named: str) -> None:
    recorder = Recorder(api)
    with make_client(recorder) as client, pytest.raises(ftjobs.InvalidArgumentError) as caught:
        client.jobs.create(**kwargs)
    message = str(caught.value)
    assert message.startswith(f"unexpected keyword argument {named}")
    assert "extra_body=" in message
    assert recorder.requests == []

    arecorder = Recorder(api)

    async def go() -> None:
        async with make_async_client(arecorder) as client:
            await client.jobs.create(**kwargs)

    with pytest.raises(ftjobs.InvalidArgumentError, match=f"^unexpected keyword argument {named[:8]}"):
        asyncio.run(go())
    assert arecorder.requests == []


def test_extra_body_sends_what_the_spec_does_not_know() -> None:
    recorder = Recorder(api)
    with make_client(recorder) as client:
        job = client.jobs.create(
            model="gpt-4o-mini", training_file="file-1", suffix="s", extra_body={"suffx": "x", "seed": 7}
        )
    assert job.status == ftjobs.JobStatus.VALIDATING_FILES
    [request] = recorder.requests
    assert json.loads(request.content) == {
        "model": "gpt-4o-mini",
        "training_file": "file-1",
        "suffix": "s",
        "suffx": "x",
        "seed": 7,
    }


def test_every_field_and_option_of_the_typed_dict_is_accepted() -> None:
    """The known names are the TypedDicts' own keys (the fields follow the spec): each field the
    TypedDict declares passes the name check (None leaves it out, so each call is sent)."""
    fields = CreateFields.__required_keys__ | CreateFields.__optional_keys__
    assert {"model", "training_file", "suffix", "seed", "method", "validation_file"} <= fields
    known = CreateParams.__required_keys__ | CreateParams.__optional_keys__
    assert fields <= known and {"timeout", "max_retries", "extra_headers", "extra_body"} <= known
    recorder = Recorder(api)
    with make_client(recorder) as client:
        for name in sorted(fields - {"model", "training_file", "extra_body"}):
            client.jobs.create(model="gpt-4o-mini", training_file="file-1", **{name: None})
    assert len(recorder.requests) == len(fields - {"model", "training_file", "extra_body"})
