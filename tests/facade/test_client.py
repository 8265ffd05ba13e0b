"""Client: every operation's request and result, errors, retries, redirects, limits, secrets."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import logging
import warnings
from typing import Any

import httpx2
import pytest

import ftjobs
from ftjobs import JobStatus

from .helpers import BASE, SECRET, Recorder, job_json, make_client


def _json(request: httpx2.Request) -> Any:
    return json.loads(request.content)


# --- operations -------------------------------------------------------------------------------


def test_retrieve_returns_typed_job() -> None:
    """retrieve() sends GET /fine_tuning/jobs/{id} and returns a typed Job over the generated model."""
    recorder = Recorder(
        lambda r: httpx2.Response(200, json=job_json(trained_tokens=5768, status="succeeded"))
    )
    job = make_client(recorder).jobs.retrieve("ftjob-abc123")
    request = recorder.requests[0]
    assert (request.method, request.url.path) == ("GET", "/v1/fine_tuning/jobs/ftjob-abc123")
    assert job.id == "ftjob-abc123"
    assert job.status is JobStatus.SUCCEEDED and job.status.is_terminal
    assert job.created_at == dt.datetime(2024, 7, 23, 20, 0, tzinfo=dt.UTC)
    assert job.trained_tokens == 5768 and job.seed == 42 and job.finished_at is None
    assert job.method_type == "supervised"
    assert job.method is not None
    hyper = job.method.supervised.hyperparameters  # type: ignore[union-attr]
    assert hyper.n_epochs == 3 and hyper.learning_rate_multiplier == 1.5
    assert str(hyper.batch_size) == "auto"
    assert job.hyperparameters is not None and str(job.hyperparameters.n_epochs) == "auto"
    assert job.raw["organization_id"] == "org-123"
    assert job.generated is not None and job.generated.id == "ftjob-abc123"


def test_job_tolerates_omissions_and_unknowns() -> None:
    """Missing required keys read as None; unknown status and extra keys are kept, not fatal."""
    payload = {
        "id": "ftjob-1",
        "status": "hibernating",
        "object": "fine_tuning.job",
        "brand_new_field": {"x": 1},
    }
    job = make_client(lambda r: httpx2.Response(200, json=payload)).jobs.retrieve("ftjob-1")
    assert job.status.is_unknown and job.status.value == "hibernating"
    assert job.error is None and job.hyperparameters is None and job.created_at is None
    assert job.raw["brand_new_field"] == {"x": 1}


def test_failed_job_error_object() -> None:
    """A failed job's error is the generated error model with code, message and param."""
    body = job_json(
        status="failed", error={"code": "invalid_file", "message": "bad line 3", "param": "training_file"}
    )
    job = make_client(lambda r: httpx2.Response(200, json=body)).jobs.retrieve("ftjob-abc123")
    assert job.error is not None
    assert (job.error.code, job.error.message, job.error.param) == (
        "invalid_file",
        "bad line 3",
        "training_file",
    )


def test_create_sends_body_and_is_not_retried_on_500() -> None:
    """create() POSTs the JSON body (method as dict) and does not retry a 500 (not idempotent)."""
    recorder = Recorder(lambda r: httpx2.Response(500, json={"error": {"message": "boom"}}))
    client = make_client(recorder)
    method = {"type": "dpo", "dpo": {"hyperparameters": {"beta": 0.1}}}
    with pytest.raises(ftjobs.InternalServerError):
        client.jobs.create(model="gpt-4o-mini", training_file="file-1", method=method, metadata={"team": "x"})
    assert len(recorder.requests) == 1
    body = _json(recorder.requests[0])
    assert body == {
        "model": "gpt-4o-mini",
        "training_file": "file-1",
        "method": method,
        "metadata": {"team": "x"},
    }


def test_create_retries_429_and_returns_job() -> None:
    """create() retries a 429 (the server did not act) and returns the job."""
    answers = iter(
        [
            httpx2.Response(429, headers={"retry-after-ms": "0"}),
            httpx2.Response(200, json=job_json(status="queued")),
        ]
    )
    recorder = Recorder(lambda r: next(answers))
    job = make_client(recorder).jobs.create(model="m", training_file="f")
    assert job.status is JobStatus.QUEUED and len(recorder.requests) == 2


def test_create_accepts_generated_models() -> None:
    """A generated FineTuneMethod is serialised with its to_dict()."""
    from ftjobs_generated.models.fine_tune_method import FineTuneMethod

    recorder = Recorder(lambda r: httpx2.Response(200, json=job_json()))
    method = FineTuneMethod.from_dict(
        {
            "type": "reinforcement",
            "reinforcement": {
                "grader": {
                    "type": "string_check",
                    "name": "g",
                    "input": "{{x}}",
                    "reference": "y",
                    "operation": "eq",
                }
            },
        }
    )
    make_client(recorder).jobs.create(model="o4-mini", training_file="f", method=method)
    assert _json(recorder.requests[0])["method"]["type"] == "reinforcement"


@pytest.mark.parametrize("bad", [{"model": "", "training_file": "f"}, {"model": "m", "training_file": None}])
def test_create_rejects_bad_arguments_before_sending(bad: dict[str, Any]) -> None:
    """Missing model/training_file raise InvalidArgumentError and nothing is sent."""
    recorder = Recorder(lambda r: httpx2.Response(200, json=job_json()))
    with pytest.raises(ftjobs.InvalidArgumentError):
        make_client(recorder).jobs.create(**bad)
    assert recorder.requests == []


@pytest.mark.parametrize("action", ["cancel", "pause", "resume"])
def test_actions_post_to_their_path(action: str) -> None:
    """cancel/pause/resume POST to /fine_tuning/jobs/{id}/{action} and parse the job."""
    status = {"cancel": "cancelled", "pause": "paused", "resume": "running"}[action]
    recorder = Recorder(lambda r: httpx2.Response(200, json=job_json(status=status)))
    job = getattr(make_client(recorder).jobs, action)("ftjob-abc123")
    assert (recorder.requests[0].method, recorder.requests[0].url.path) == (
        "POST",
        f"/v1/fine_tuning/jobs/ftjob-abc123/{action}",
    )
    assert job.status == status


def _paged(items: list[dict[str, Any]], request: httpx2.Request, per_page: int) -> httpx2.Response:
    after = request.url.params.get("after")
    start = 0 if after is None else next(i for i, x in enumerate(items) if x["id"] == after) + 1
    chunk = items[start : start + per_page]
    return httpx2.Response(
        200, json={"object": "list", "data": chunk, "has_more": start + per_page < len(items)}
    )


def test_list_paginates_lazily_with_metadata_filter() -> None:
    """list() fetches nothing until iterated, follows `after` across pages, encodes metadata[k]=v."""
    jobs = [job_json(f"ftjob-{i}") for i in range(7)]
    recorder = Recorder(lambda r: _paged(jobs, r, 3))
    pager = make_client(recorder).jobs.list(limit=3, metadata={"team": "x", "env": "prod"})
    assert recorder.requests == []
    assert [j.id for j in pager] == [f"ftjob-{i}" for i in range(7)]
    assert len(recorder.requests) == 3
    params = recorder.requests[1].url.params
    assert params["limit"] == "3" and params["after"] == "ftjob-2"
    assert params["metadata[team]"] == "x" and params["metadata[env]"] == "prod"


def test_list_stops_on_empty_page_even_if_has_more() -> None:
    """A page claiming has_more with no items ends iteration instead of looping forever."""
    recorder = Recorder(lambda r: httpx2.Response(200, json={"object": "list", "data": [], "has_more": True}))
    assert list(make_client(recorder).jobs.list()) == []
    assert len(recorder.requests) == 1


def test_events_and_checkpoints() -> None:
    """events() and checkpoints() hit their paths and parse typed items across pages."""
    events = [
        {
            "object": "fine_tuning.job.event",
            "id": f"ev-{i}",
            "created_at": 1721764800 + i,
            "level": "info",
            "message": f"m{i}",
            "type": "message",
        }
        for i in range(5)
    ]
    checkpoints = [
        {
            "object": "fine_tuning.job.checkpoint",
            "id": f"ckpt-{i}",
            "created_at": 1721764800,
            "fine_tuned_model_checkpoint": f"ft:m:ckpt-{i}",
            "step_number": i * 100,
            "metrics": {"step": i * 100, "train_loss": 0.5},
            "fine_tuning_job_id": "ftjob-abc123",
        }
        for i in range(3)
    ]

    def handler(request: httpx2.Request) -> httpx2.Response:
        return _paged(events if request.url.path.endswith("/events") else checkpoints, request, 2)

    recorder = Recorder(handler)
    client = make_client(recorder)
    got_events = list(client.jobs.events("ftjob-abc123", limit=2))
    assert [e.id for e in got_events] == [f"ev-{i}" for i in range(5)]
    assert got_events[0].message == "m0" and got_events[0].level == "info"
    got = list(client.jobs.checkpoints("ftjob-abc123"))
    assert [c.step_number for c in got] == [0, 100, 200]
    assert got[1].metrics is not None and got[1].metrics.train_loss == 0.5
    assert {r.url.path for r in recorder.requests} == {
        "/v1/fine_tuning/jobs/ftjob-abc123/events",
        "/v1/fine_tuning/jobs/ftjob-abc123/checkpoints",
    }


@pytest.mark.parametrize("bad_limit", [0, -1, True, "10"])
def test_bad_limit_rejected_early(bad_limit: object) -> None:
    """A non-positive or non-integer limit fails at the call, before any request."""
    with pytest.raises(ftjobs.InvalidArgumentError):
        make_client(lambda r: httpx2.Response(200)).jobs.list(limit=bad_limit)  # type: ignore[arg-type]


# --- errors -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, ftjobs.BadRequestError),
        (401, ftjobs.AuthenticationError),
        (403, ftjobs.PermissionDeniedError),
        (404, ftjobs.NotFoundError),
        (409, ftjobs.ConflictError),
        (422, ftjobs.UnprocessableEntityError),
        (429, ftjobs.RateLimitError),
        (500, ftjobs.InternalServerError),
        (502, ftjobs.InternalServerError),
        (503, ftjobs.InternalServerError),
        (418, ftjobs.APIStatusError),
    ],
)
def test_status_errors(status: int, cls: type[ftjobs.APIStatusError]) -> None:
    """Each status maps to its class, with code, message, request id (in str) and body."""
    body = {"error": {"message": "nope", "type": "invalid_request_error", "param": "id", "code": "some_code"}}
    recorder = Recorder(lambda r: httpx2.Response(status, json=body, headers={"x-request-id": "req_abc"}))
    with pytest.raises(cls) as info:
        make_client(recorder).jobs.retrieve("ftjob-abc123")
    err = info.value
    assert type(err) is cls
    assert (err.status_code, err.code, err.message, err.param, err.request_id) == (
        status,
        "some_code",
        "nope",
        "id",
        "req_abc",
    )
    assert "req_abc" in str(err) and "nope" in str(err)
    assert err.body == body
    assert isinstance(err, ftjobs.Error)


def test_status_error_with_html_body() -> None:
    """A proxy's HTML error page still gives the status class with an excerpt, not a crash."""
    html = "<html><body><h1>502 Bad Gateway</h1></body></html>"
    with pytest.raises(ftjobs.InternalServerError) as info:
        make_client(lambda r: httpx2.Response(502, text=html), max_retries=0, retry=None).jobs.retrieve(
            "ftjob-1"
        )
    assert "Bad Gateway" in str(info.value)


@pytest.mark.parametrize(
    ("response", "needle"),
    [
        (
            httpx2.Response(200, text="<html>maintenance</html>", headers={"content-type": "text/html"}),
            "not JSON",
        ),
        (httpx2.Response(200, content=b""), "empty"),
        (httpx2.Response(200, content=b'{"id": "ftjob-1", "sta'), "not JSON"),
        (httpx2.Response(200, json=["a", "list"]), "expected a fine_tuning.job object"),
        (httpx2.Response(200, json={"id": 5, "status": "running"}), "job.id: expected a non-empty string"),
        (
            httpx2.Response(200, json={"id": "x", "status": "running", "created_at": "yesterday"}),
            "created_at",
        ),
        (httpx2.Response(200, json={"id": "x", "status": "running", "created_at": 10**20}), "created_at"),
        (
            httpx2.Response(200, json={"id": "x", "status": "running", "method": "supervised"}),
            "job.method: expected an object, got string",
        ),
        (
            httpx2.Response(200, json={"id": "x", "status": "running", "method": {"type": 5}}),
            "job.method.type: expected a string, got integer",
        ),
        (
            httpx2.Response(200, json={"id": "x", "status": "running", "integrations": [1]}),
            r"job.integrations\[0\]: expected an object, got integer",
        ),
        (
            httpx2.Response(200, json={"id": "x", "status": "running", "integrations": {}}),
            "job.integrations: expected a list, got object",
        ),
        (httpx2.Response(200, json={"id": "x", "status": None}), "status"),
        (httpx2.Response(200, content=b"[" * 100_000 + b"]" * 100_000), "not JSON"),
    ],
)
def test_response_validation_errors(response: httpx2.Response, needle: str) -> None:
    """Bodies that are not the documented job shape raise ResponseValidationError, nothing else."""
    response.headers["x-request-id"] = "req_shape"
    with pytest.raises(ftjobs.ResponseValidationError, match=needle) as info:
        make_client(lambda r: response).jobs.retrieve("ftjob-1")
    assert info.value.request_id == "req_shape"
    assert "req_shape" in str(info.value)


def test_transport_errors_are_translated() -> None:
    """httpx timeouts and connection errors become APITimeoutError / APIConnectionError."""

    def timeout(request: httpx2.Request) -> httpx2.Response:
        raise httpx2.ReadTimeout("timed out", request=request)

    def refused(request: httpx2.Request) -> httpx2.Response:
        raise httpx2.ConnectError("connection refused", request=request)

    with pytest.raises(ftjobs.APITimeoutError) as info:
        make_client(timeout).jobs.retrieve("ftjob-1")
    assert isinstance(info.value.__cause__, httpx2.ReadTimeout)
    with pytest.raises(ftjobs.APIConnectionError):
        make_client(refused).jobs.retrieve("ftjob-1")


# --- retries ----------------------------------------------------------------------------------


def test_retries_5xx_then_succeeds_with_request_count() -> None:
    """Two 503s then 200: three requests, success."""
    answers = iter([httpx2.Response(503), httpx2.Response(503), httpx2.Response(200, json=job_json())])
    recorder = Recorder(lambda r: next(answers))
    assert make_client(recorder).jobs.retrieve("ftjob-abc123").id == "ftjob-abc123"
    assert len(recorder.requests) == 3


def test_retry_budget_exhausted() -> None:
    """More failures than max_retries: max_retries + 1 requests, then the status error."""
    recorder = Recorder(lambda r: httpx2.Response(500))
    with pytest.raises(ftjobs.InternalServerError):
        make_client(recorder).jobs.retrieve("ftjob-abc123")
    assert len(recorder.requests) == 3


def test_per_call_max_retries() -> None:
    """max_retries per call overrides the client's."""
    recorder = Recorder(lambda r: httpx2.Response(500))
    with pytest.raises(ftjobs.InternalServerError):
        make_client(recorder).jobs.retrieve("ftjob-abc123", max_retries=0)
    assert len(recorder.requests) == 1


def test_not_retried_4xx() -> None:
    """404 is final at once."""
    recorder = Recorder(lambda r: httpx2.Response(404, json={"error": {"message": "no"}}))
    with pytest.raises(ftjobs.NotFoundError):
        make_client(recorder).jobs.retrieve("ftjob-abc123")
    assert len(recorder.requests) == 1


def test_retry_after_is_honoured(monkeypatch: pytest.MonkeyPatch) -> None:
    """The sleep before a retry is the server's Retry-After / retry-after-ms."""
    slept: list[float] = []
    monkeypatch.setattr("ftjobs._http.time.sleep", slept.append)
    answers = iter(
        [
            httpx2.Response(429, headers={"retry-after": "2"}),
            httpx2.Response(429, headers={"retry-after-ms": "150"}),
            httpx2.Response(200, json=job_json()),
        ]
    )
    client = make_client(lambda r: next(answers), retry=ftjobs.RetryPolicy(max_retries=3))
    client.jobs.retrieve("ftjob-abc123")
    assert slept == [2.0, 0.15]


def test_connection_errors_retried_for_reads_only_presend_for_create() -> None:
    """A reset mid-read is retried for retrieve but not for create; a refused connect is retried for both."""

    def reset(request: httpx2.Request) -> httpx2.Response:
        raise httpx2.RemoteProtocolError("peer closed", request=request)

    recorder = Recorder(reset)
    with pytest.raises(ftjobs.APIConnectionError):
        make_client(recorder).jobs.retrieve("ftjob-1")
    assert len(recorder.requests) == 3
    recorder = Recorder(reset)
    with pytest.raises(ftjobs.APIConnectionError):
        make_client(recorder).jobs.create(model="m", training_file="f")
    assert len(recorder.requests) == 1

    answers = iter([None, httpx2.Response(200, json=job_json())])

    def refused_once(request: httpx2.Request) -> httpx2.Response:
        answer = next(answers)
        if answer is None:
            raise httpx2.ConnectError("refused", request=request)
        return answer

    recorder = Recorder(refused_once)
    make_client(recorder).jobs.create(model="m", training_file="f")
    assert len(recorder.requests) == 2


# --- redirects, limits, TLS, secrets ----------------------------------------------------------


def _redirecting(target: str) -> Recorder:
    def handler(request: httpx2.Request) -> httpx2.Response:
        if request.url.host == "api.test":
            return httpx2.Response(307, headers={"location": target})
        return httpx2.Response(200, json=job_json())

    return Recorder(handler)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"api_key": SECRET},
        {"provider": "portkey", "api_key": SECRET, "virtual_key": "vk-" + SECRET},
        {
            "provider": "portkey",
            "api_key": SECRET,
            "portkey_provider": "openai",
            "provider_api_key": "sk-p" + SECRET,
        },
        {"provider": "portkey", "api_key": SECRET, "config": "pc-" + SECRET},
        {"provider": "azure", "api_key": SECRET, "base_url": "http://api.test"},
    ],
)
def test_cross_origin_redirect_drops_every_credential(kwargs: dict[str, Any]) -> None:
    """A redirect to another origin carries no Authorization, api-key or x-portkey-* header."""
    kwargs.setdefault("base_url", BASE)
    recorder = _redirecting("http://elsewhere.test/v1/fine_tuning/jobs/ftjob-abc123")
    make_client(recorder, **kwargs).jobs.retrieve("ftjob-abc123")
    final = recorder.requests[-1]
    assert final.url.host == "elsewhere.test"
    assert SECRET not in json.dumps(dict(final.headers))
    assert not {"authorization", "api-key"} & set(final.headers.keys())
    assert not [k for k in final.headers if k.startswith("x-portkey")]


def test_same_origin_redirect_keeps_credentials() -> None:
    """A redirect within the same origin keeps the key."""

    def handler(request: httpx2.Request) -> httpx2.Response:
        if request.url.path.startswith("/old"):
            return httpx2.Response(200, json=job_json())
        return httpx2.Response(308, headers={"location": "/old/fine_tuning/jobs/ftjob-abc123"})

    recorder = Recorder(handler)
    make_client(recorder).jobs.retrieve("ftjob-abc123")
    assert recorder.requests[-1].headers["authorization"] == f"Bearer {SECRET}"


def test_redirect_loop_is_a_connection_error() -> None:
    """Endless redirects end in APIConnectionError after a few hops."""
    recorder = Recorder(lambda r: httpx2.Response(302, headers={"location": "/v1/loop"}))
    with pytest.raises(ftjobs.APIConnectionError, match="redirect"):
        make_client(recorder).jobs.retrieve("ftjob-abc123", max_retries=0)
    assert len(recorder.requests) == 6


def test_oversized_body_refused() -> None:
    """A body over max_response_bytes (declared or streamed) is a ResponseValidationError."""
    big = b'{"id": "' + b"x" * 5000 + b'"}'
    with pytest.raises(ftjobs.ResponseValidationError, match="limit"):
        make_client(lambda r: httpx2.Response(200, content=big), max_response_bytes=1000).jobs.retrieve(
            "ftjob-1"
        )

    def chunked(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(200, content=iter([b"x" * 600, b"x" * 600]))

    with pytest.raises(ftjobs.ResponseValidationError, match="limit"):
        make_client(chunked, max_response_bytes=1000).jobs.retrieve("ftjob-1")


def test_verify_false_warns() -> None:
    """Turning TLS verification off warns; it is on by default."""
    with pytest.warns(ftjobs.InsecureTransportWarning):
        ftjobs.Client(api_key="k", verify=False).close()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ftjobs.Client(api_key="k").close()


def test_verify_accepts_ca_bundle_and_context(tmp_path: Any) -> None:
    """verify= takes a CA bundle path or an SSLContext; a missing bundle is a ConfigurationError."""
    import ssl

    import certifi

    for verify in (certifi.where(), ssl.create_default_context()):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            ftjobs.Client(api_key="k", verify=verify).close()
    with pytest.raises(ftjobs.ConfigurationError, match="CA certificates"):
        ftjobs.Client(api_key="k", verify=str(tmp_path / "missing.pem"))


def test_secret_never_in_errors_or_debug_logs(caplog: pytest.LogCaptureFixture) -> None:
    """Even a server echoing the key back does not get it into str(error), repr or DEBUG logs."""
    body = {"error": {"message": f"Incorrect API key provided: {SECRET}", "code": "invalid_api_key"}}
    client = make_client(lambda r: httpx2.Response(401, json=body))
    with caplog.at_level(logging.DEBUG), pytest.raises(ftjobs.AuthenticationError) as info:
        client.jobs.retrieve("ftjob-abc123")
    err = info.value
    for text in (str(err), repr(err), json.dumps(err.body), repr(client), caplog.text):
        assert SECRET not in text
    assert "***" in str(err)


def test_context_manager_closes_owned_pool() -> None:
    """`with Client(...)` closes the pool it created, not one it was given."""
    with ftjobs.Client(api_key="k") as client:
        owned = client._engine.http
    assert owned.is_closed
    given = httpx2.Client()
    with ftjobs.Client(api_key="k", http_client=given):
        pass
    assert not given.is_closed
    given.close()


def test_timeout_per_call() -> None:
    """timeout= per call reaches the request."""
    recorder = Recorder(lambda r: httpx2.Response(200, json=job_json()))
    make_client(recorder).jobs.retrieve("ftjob-abc123", timeout=1.5)
    assert recorder.requests[0].extensions["timeout"]["read"] == 1.5
    make_client(recorder).jobs.retrieve("ftjob-abc123")
    assert recorder.requests[1].extensions["timeout"] == {
        "connect": 10.0,
        "read": 30.0,
        "write": 30.0,
        "pool": 30.0,
    }


# --- wait -------------------------------------------------------------------------------------


def test_wait_follows_lifecycle_and_reports_updates(monkeypatch: pytest.MonkeyPatch) -> None:
    """wait() polls until terminal, calls on_update per change, backs off, and streams events once each."""
    slept: list[float] = []
    monkeypatch.setattr("ftjobs._client.time.sleep", slept.append)
    statuses = iter(["validating_files", "queued", "queued", "running", "succeeded"])
    events: list[dict[str, Any]] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        if request.url.path.endswith("/events"):
            return httpx2.Response(
                200, json={"object": "list", "data": list(reversed(events)), "has_more": False}
            )
        status = next(statuses)
        events.append(
            {
                "object": "fine_tuning.job.event",
                "id": f"ev-{len(events)}",
                "created_at": 1,
                "level": "info",
                "message": status,
            }
        )
        return httpx2.Response(200, json=job_json(status=status))

    updates: list[str] = []
    seen: list[str] = []
    job = make_client(handler).jobs.wait(
        "ftjob-abc123",
        poll_interval=1.0,
        max_poll_interval=2.0,
        on_update=lambda j: updates.append(j.status.value),
        on_event=lambda e: seen.append(e.message or ""),
    )
    assert job.status is JobStatus.SUCCEEDED
    assert updates == ["validating_files", "queued", "running", "succeeded"]
    assert seen == ["validating_files", "queued", "queued", "running", "succeeded"]
    assert slept == [1.0, 1.5, 2.0, 2.0]


def test_wait_timeout_carries_last_job(monkeypatch: pytest.MonkeyPatch) -> None:
    """Past the deadline, WaitTimeoutError carries the last job seen."""
    clock = itertools.count(0, 10)
    monkeypatch.setattr("ftjobs._wait.time.monotonic", lambda: float(next(clock)))
    monkeypatch.setattr("ftjobs._client.time.sleep", lambda s: None)
    client = make_client(lambda r: httpx2.Response(200, json=job_json(status="running")))
    with pytest.raises(ftjobs.WaitTimeoutError) as info:
        client.jobs.wait("ftjob-abc123", timeout=25, poll_interval=1)
    assert info.value.job is not None and info.value.job.status is JobStatus.RUNNING
    assert "running" in str(info.value)


def test_wait_honours_server_poll_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    """A Retry-After on the job response sets the next poll delay (capped)."""
    slept: list[float] = []
    monkeypatch.setattr("ftjobs._client.time.sleep", slept.append)
    answers = iter(
        [
            httpx2.Response(200, json=job_json(status="running"), headers={"retry-after": "7"}),
            httpx2.Response(200, json=job_json(status="failed")),
        ]
    )
    job = make_client(lambda r: next(answers)).jobs.wait(
        "ftjob-abc123", poll_interval=1, max_poll_interval=60
    )
    assert job.status is JobStatus.FAILED and slept == [7.0]


def test_wait_keeps_polling_unknown_status(monkeypatch: pytest.MonkeyPatch) -> None:
    """An unknown status is not terminal: wait() goes on until a terminal one."""
    monkeypatch.setattr("ftjobs._client.time.sleep", lambda s: None)
    answers = iter(
        [
            httpx2.Response(200, json=job_json(status="warming_up")),
            httpx2.Response(200, json=job_json(status="cancelled")),
        ]
    )
    assert make_client(lambda r: next(answers)).jobs.wait("ftjob-abc123").status is JobStatus.CANCELLED
