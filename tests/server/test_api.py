"""The /v1/fine_tuning/jobs* operations over HTTP: bodies, errors, pagination, filters, keep-alive."""

from __future__ import annotations

import http.client
from typing import Any

import httpx2
import pytest

from .conftest import AUTH, TLS, Harness


def error_of(response: Any) -> dict[str, Any]:
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"message", "type", "param", "code"}
    error: dict[str, Any] = body["error"]
    return error


def test_seeded_example_job(harness: Harness) -> None:
    """The spec's retrieve example is served out of the box, with the list example's metadata."""
    job = harness.job("ftjob-abc123")
    assert job["status"] == "succeeded"
    assert job["fine_tuned_model"] == "ft:davinci-002:my-org:custom_suffix:7q8mpxmy"
    assert job["metadata"] == {"key": "value"}
    assert job["error"] is None
    events = harness.api.get("/fine_tuning/jobs/ftjob-abc123/events").json()
    assert [e["id"] for e in events["data"]] == [
        "ft-event-ddTJfwuMVpfLXseO0Am0Gqjm",
        "ft-event-tyiGuB72evQncpH87xe505Sv",
    ]
    checkpoints = harness.api.get("/fine_tuning/jobs/ftjob-abc123/checkpoints").json()
    assert [c["step_number"] for c in checkpoints["data"]] == [2000, 1000]
    assert checkpoints["first_id"] == "ftckpt_zc4Q7MP6XxulcVzj4MZdwsAB"
    assert checkpoints["last_id"] == "ftckpt_enQCFmOTGj3syEpYVhBRLTSy"


def test_create_fills_the_job(harness: Harness) -> None:
    """A created job echoes the request and starts validating files, with every required field."""
    job = harness.create(
        suffix="mine",
        seed=7,
        validation_file="file-v",
        metadata={"team": "a"},
        method={"type": "dpo", "dpo": {"hyperparameters": {"beta": 0.1, "n_epochs": 2}}},
    )
    assert job["id"].startswith("ftjob-")
    assert job["object"] == "fine_tuning.job"
    assert job["status"] == "validating_files"
    assert job["created_at"] == 1_800_000_000
    assert (job["seed"], job["user_provided_suffix"], job["validation_file"]) == (7, "mine", "file-v")
    assert job["metadata"] == {"team": "a"}
    assert job["method"] == {
        "type": "dpo",
        "dpo": {
            "hyperparameters": {
                "batch_size": "auto",
                "learning_rate_multiplier": "auto",
                "n_epochs": 2,
                "beta": 0.1,
            }
        },
    }
    assert job["hyperparameters"] == {"batch_size": "auto", "learning_rate_multiplier": "auto", "n_epochs": 2}
    assert harness.job(job["id"]) == job


def test_deprecated_hyperparameters_become_a_supervised_method(harness: Harness) -> None:
    """Top-level hyperparameters (deprecated) are kept and mirrored in a supervised method."""
    job = harness.create(hyperparameters={"n_epochs": 1})
    assert job["method"]["type"] == "supervised"
    assert job["method"]["supervised"]["hyperparameters"]["n_epochs"] == 1


@pytest.mark.parametrize(
    ("body", "param", "code"),
    [
        ({"model": "gpt-4o-mini"}, "training_file", "missing_required_parameter"),
        ({"training_file": "file-t"}, "model", "missing_required_parameter"),
        ({"model": 3, "training_file": "file-t"}, "model", "invalid_type"),
        ({"model": "m", "training_file": "f", "seed": "1"}, "seed", "invalid_type"),
        ({"model": "m", "training_file": "f", "suffix": ""}, "suffix", "invalid_value"),
        ({"model": "m", "training_file": "f", "colour": "red"}, "colour", "unknown_parameter"),
        ({"model": "m", "training_file": "f", "metadata": {"k": 1}}, "metadata.k", "invalid_type"),
        ({"model": "m", "training_file": "f", "method": {"type": "magic"}}, "method.type", "invalid_value"),
        (
            {
                "model": "m",
                "training_file": "f",
                "method": {"type": "supervised", "supervised": {"hyperparameters": {"n_epochs": 99}}},
            },
            "method.supervised.hyperparameters.n_epochs",
            "invalid_value",
        ),
        (
            {"model": "m", "training_file": "f", "method": {"type": "reinforcement"}},
            "method.reinforcement.grader",
            "missing_required_parameter",
        ),
        (
            {"model": "m", "training_file": "f", "integrations": [{"type": "slack"}]},
            "integrations[0].type",
            "invalid_value",
        ),
        ([1, 2], None, None),
    ],
)
def test_create_rejects_bad_bodies(harness: Harness, body: Any, param: str | None, code: str | None) -> None:
    """Bad create bodies get a 400 in the OpenAI shape naming the parameter; nothing is created."""
    before = harness.api.get("/fine_tuning/jobs").json()["data"]
    response = harness.api.post("/fine_tuning/jobs", json=body)
    assert response.status_code == 400
    error = error_of(response)
    assert (error["type"], error["param"], error["code"]) == ("invalid_request_error", param, code)
    assert harness.api.get("/fine_tuning/jobs").json()["data"] == before


@pytest.mark.parametrize("content", [b"{not json", b"", b"\xff\xfe"])
def test_create_rejects_unparsable_json(harness: Harness, content: bytes) -> None:
    """A body that is not JSON (or no body) is a 400."""
    response = harness.api.post(
        "/fine_tuning/jobs", content=content, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert error_of(response)["type"] == "invalid_request_error"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/fine_tuning/jobs/ftjob-nope"),
        ("POST", "/fine_tuning/jobs/ftjob-nope/cancel"),
        ("POST", "/fine_tuning/jobs/ftjob-nope/pause"),
        ("POST", "/fine_tuning/jobs/ftjob-nope/resume"),
        ("GET", "/fine_tuning/jobs/ftjob-nope/events"),
        ("GET", "/fine_tuning/jobs/ftjob-nope/checkpoints"),
    ],
)
def test_unknown_job_is_404(harness: Harness, method: str, path: str) -> None:
    """Every per-job operation answers 404 for an unknown id, OpenAI-shaped, naming the id."""
    response = harness.api.request(method, path)
    assert response.status_code == 404
    error = error_of(response)
    assert error["code"] is None
    assert "ftjob-nope" in error["message"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/models"),
        ("GET", "/fine_tuning/jobs/"),
        ("PUT", "/fine_tuning/jobs/ftjob-abc123/events/extra"),
        ("GET", "/fine_tuning/jobs/ftjob-abc123/events/extra"),
    ],
)
def test_invalid_urls_are_404(harness: Harness, method: str, path: str) -> None:
    """Paths outside the API are a 404 'Invalid URL', like OpenAI."""
    response = harness.api.request(method, path)
    assert response.status_code == 404
    assert error_of(response)["message"].startswith(f"Invalid URL ({method} /v1")
    assert "allow" not in response.headers


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("GET", "/fine_tuning/jobs/ftjob-abc123/cancel", "POST"),
        ("POST", "/fine_tuning/jobs/ftjob-abc123", "GET, HEAD"),
        ("DELETE", "/fine_tuning/jobs/ftjob-abc123", "GET, HEAD"),
        ("PUT", "/fine_tuning/jobs", "GET, HEAD, POST"),
        ("PATCH", "/fine_tuning/alpha/graders/validate", "POST"),
        ("GET", "/fine_tuning/checkpoints/ckpt/permissions/cp_1", "DELETE"),
    ],
)
def test_a_method_a_route_does_not_take_is_405(harness: Harness, method: str, path: str, allow: str) -> None:
    """A path the API has, with a method it does not take there: 405 with Allow (RFC 9110; the real
    API answers 404 Invalid URL, schemathesis' unsupported_method check asks for 405), after auth."""
    before = len(harness.api.get("/fine_tuning/jobs", params={"limit": 100}).json()["data"])
    response = harness.api.request(method, path)
    assert response.status_code == 405
    assert response.headers["allow"] == allow
    assert error_of(response)["message"] == f"Method {method} is not allowed here; allowed: {allow}."
    assert len(harness.api.get("/fine_tuning/jobs", params={"limit": 100}).json()["data"]) == before
    assert httpx2.request(method, harness.server.url + path).status_code == 401


def test_outside_v1_is_404_without_auth(harness: Harness) -> None:
    """Paths outside /v1 and /_ftjobs are 404 too."""
    response = harness.admin.get(harness.server.root_url + "/fine_tuning/jobs")
    assert response.status_code == 404


def test_every_response_has_a_fresh_request_id(harness: Harness) -> None:
    """x-request-id is req_... on successes and errors, different each time."""
    ids = {
        harness.api.get("/fine_tuning/jobs/ftjob-abc123").headers["x-request-id"],
        harness.api.get("/fine_tuning/jobs/nope").headers["x-request-id"],
        harness.admin.get("/health").headers["x-request-id"],
    }
    assert len(ids) == 3
    assert all(i.startswith("req_") and len(i) > 10 for i in ids)


def test_list_pagination_newest_first(harness: Harness) -> None:
    """Jobs list newest first; after/limit page through all of them with has_more."""
    created = [harness.create()["id"] for _ in range(5)]
    everything = harness.api.get("/fine_tuning/jobs", params={"limit": 100}).json()
    assert [j["id"] for j in everything["data"]] == [*reversed(created), "ftjob-abc", "ftjob-abc123"]
    assert everything["has_more"] is False
    assert everything["object"] == "list"
    seen: list[str] = []
    after: str | None = None
    pages = 0
    while True:
        params: dict[str, Any] = {"limit": 3} | ({"after": after} if after else {})
        page = harness.api.get("/fine_tuning/jobs", params=params).json()
        seen += [j["id"] for j in page["data"]]
        pages += 1
        if not page["has_more"]:
            break
        after = page["data"][-1]["id"]
    assert seen == [j["id"] for j in everything["data"]]
    assert pages == 3


def test_list_default_limit_is_20(harness: Harness) -> None:
    """Without limit, 20 jobs come back and has_more tells about the rest."""
    for _ in range(20):
        harness.create()
    page = harness.api.get("/fine_tuning/jobs").json()
    assert len(page["data"]) == 20
    assert page["has_more"] is True


def test_list_after_an_unknown_id_is_empty(harness: Harness) -> None:
    """A cursor that names no job ends the pagination."""
    page = harness.api.get("/fine_tuning/jobs", params={"after": "ftjob-gone"}).json()
    assert page == {"object": "list", "data": [], "has_more": False}


@pytest.mark.parametrize(
    ("path", "limit", "code"),
    [
        ("/fine_tuning/jobs", "0", "integer_below_min_value"),
        ("/fine_tuning/jobs", "101", "integer_above_max_value"),
        ("/fine_tuning/jobs", "ten", "invalid_type"),
        ("/fine_tuning/jobs/ftjob-abc123/events", "-1", "integer_below_min_value"),
        ("/fine_tuning/jobs/ftjob-abc123/checkpoints", "1000", "integer_above_max_value"),
    ],
)
def test_limit_is_validated(harness: Harness, path: str, limit: str, code: str) -> None:
    """limit must be an integer in [1, 100]."""
    response = harness.api.get(path, params={"limit": limit})
    assert response.status_code == 400
    error = error_of(response)
    assert (error["param"], error["code"]) == ("limit", code)


def test_metadata_filter(harness: Harness) -> None:
    """metadata[k]=v keeps jobs whose metadata has every pair; metadata=null keeps jobs without."""
    a = harness.create(metadata={"team": "a", "env": "prod"})["id"]
    b = harness.create(metadata={"team": "b"})["id"]
    plain = harness.create()["id"]

    def ids(params: Any) -> list[str]:
        return [j["id"] for j in harness.api.get("/fine_tuning/jobs", params=params).json()["data"]]

    assert ids({"metadata[team]": "a"}) == [a]
    assert ids({"metadata[team]": "b"}) == [b]
    assert ids({"metadata[team]": "a", "metadata[env]": "prod"}) == [a]
    assert ids({"metadata[team]": "a", "metadata[env]": "dev"}) == []
    assert ids({"metadata[key]": "value"}) == ["ftjob-abc123"]
    assert ids({"metadata": "null"}) == [plain, "ftjob-abc"]
    assert harness.api.get("/fine_tuning/jobs", params={"metadata": "x"}).status_code == 400
    # metadata[]=v has no key (schemathesis' ST201: it was ignored, and every job listed).
    empty = harness.api.get("/fine_tuning/jobs", params={"metadata[]": "a"})
    assert (empty.status_code, error_of(empty)["param"]) == (400, "metadata")
    assert ids({"metadata[ ]": "a"}) == []  # a blank key is a key (no job has it)


def test_events_pagination(harness: Harness) -> None:
    """Events come newest first and page with after/limit."""
    job = harness.create()
    harness.advance(20)
    everything = harness.api.get(f"/fine_tuning/jobs/{job['id']}/events", params={"limit": 100}).json()[
        "data"
    ]
    assert everything[0]["message"] == "The job has successfully completed"
    assert everything[-1]["message"] == f"Created fine-tuning job: {job['id']}"
    first = harness.api.get(f"/fine_tuning/jobs/{job['id']}/events", params={"limit": 4}).json()
    rest = harness.api.get(
        f"/fine_tuning/jobs/{job['id']}/events", params={"limit": 100, "after": first["data"][-1]["id"]}
    ).json()
    assert first["has_more"] is True
    assert rest["has_more"] is False
    assert first["data"] + rest["data"] == everything
    other = harness.api.get(
        "/fine_tuning/jobs/ftjob-abc123/events", params={"after": everything[0]["id"]}
    ).json()  # a cursor from another job's events
    assert other["data"] == []


def test_checkpoints_pagination(harness: Harness) -> None:
    """Checkpoints come newest first with first_id/last_id of the page; default limit 10."""
    job = harness.create(method={"type": "supervised", "supervised": {"hyperparameters": {"n_epochs": 12}}})
    harness.advance(100)
    page = harness.api.get(f"/fine_tuning/jobs/{job['id']}/checkpoints").json()
    assert [c["step_number"] for c in page["data"]] == list(range(24, 4, -2))
    assert page["has_more"] is True
    assert (page["first_id"], page["last_id"]) == (page["data"][0]["id"], page["data"][-1]["id"])
    rest = harness.api.get(
        f"/fine_tuning/jobs/{job['id']}/checkpoints", params={"after": page["last_id"], "limit": 10}
    ).json()
    assert [c["step_number"] for c in rest["data"]] == [4, 2]
    assert rest["has_more"] is False
    empty = harness.api.get(f"/fine_tuning/jobs/{harness.create()['id']}/checkpoints").json()
    assert empty == {"object": "list", "data": [], "has_more": False, "first_id": None, "last_id": None}


def test_keep_alive_reuses_one_connection(harness: Harness) -> None:
    """HTTP/1.1 keep-alive: several requests, errors included, on one TCP connection."""
    host, port = harness.server.root_url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=5)
    try:
        statuses = []
        sockets = set()
        for path in [
            "/v1/fine_tuning/jobs/ftjob-abc123",
            "/v1/fine_tuning/jobs/nope",
            "/v1/fine_tuning/jobs",
        ]:
            connection.request("GET", path, headers=AUTH)
            response = connection.getresponse()
            assert int(response.headers["Content-Length"]) == len(response.read())
            statuses.append(response.status)
            sockets.add(id(connection.sock))
        assert statuses == [200, 404, 200]
        assert len(sockets) == 1
    finally:
        connection.close()


def test_request_log(harness: Harness) -> None:
    """GET /_ftjobs/requests lists /v1 requests (method, raw path, status); DELETE clears it."""
    harness.admin.delete("/requests")
    harness.api.get("/fine_tuning/jobs/ftjob-abc123")
    harness.api.get("/fine_tuning/jobs", params={"limit": 2, "metadata[a]": "b"})
    harness.api.post("/fine_tuning/jobs/nope/cancel")
    harness.admin.get("/health")
    log = harness.admin.get("/requests").json()["data"]
    assert [(e["method"], e["path"], e["status"]) for e in log] == [
        ("GET", "/v1/fine_tuning/jobs/ftjob-abc123", 200),
        ("GET", "/v1/fine_tuning/jobs?limit=2&metadata%5Ba%5D=b", 200),
        ("POST", "/v1/fine_tuning/jobs/nope/cancel", 404),
    ]
    assert harness.admin.delete("/requests").json()["data"] == []
    assert harness.admin.get("/requests").json()["data"] == []


def test_admin_rejects_bad_input(harness: Harness) -> None:
    """The admin API validates its bodies and routes."""
    assert harness.admin.post("/advance", json={"seconds": -1}).status_code == 400
    assert harness.admin.post("/advance", json={"seconds": "1"}).status_code == 400
    assert harness.admin.post("/faults", json={"fault": "teapot"}).status_code == 400
    assert harness.admin.post("/faults", json={"fault": "503", "times": 0}).status_code == 400
    assert harness.admin.post("/jobs/nope/fail").status_code == 404
    assert harness.admin.post("/jobs/ftjob-abc123/fail", json={"code": 5}).status_code == 400
    assert harness.admin.get("/nothing").status_code == 404
    wrong = harness.admin.get("/advance")  # a route, another method: 405
    assert (wrong.status_code, wrong.headers["allow"]) == (405, "POST")
    assert harness.admin.put("/faults").headers["allow"] == "DELETE, GET, HEAD, POST"
    json_type = {"Content-Type": "application/json"}
    assert harness.admin.post("/advance", content=b"[1]", headers=json_type).status_code == 400


def test_concurrent_clients(harness: Harness) -> None:
    """Eight clients creating and reading at once: every job is created once and listed."""
    from concurrent.futures import ThreadPoolExecutor

    def work(_: int) -> list[str]:
        with httpx2.Client(base_url=harness.server.url, headers=AUTH, verify=TLS) as client:
            ids = []
            for _ in range(10):
                job = client.post("/fine_tuning/jobs", json={"model": "m", "training_file": "f"}).json()
                assert client.get(f"/fine_tuning/jobs/{job['id']}").json()["id"] == job["id"]
                ids.append(job["id"])
            return ids

    with ThreadPoolExecutor(8) as pool:
        created = [job_id for ids in pool.map(work, range(8)) for job_id in ids]
    assert len(set(created)) == 80
    listed = {job["id"] for job in harness.api.get("/fine_tuning/jobs", params={"limit": 100}).json()["data"]}
    assert set(created) <= listed


def test_encoded_slash_stays_one_segment(harness: Harness) -> None:
    """An id with an encoded '/' is one path segment: a 404 for that id, logged with the raw path."""
    harness.admin.delete("/requests")
    response = harness.api.get("/fine_tuning/jobs/a%2Fcancel")
    assert response.status_code == 404
    assert error_of(response)["message"] == "No such fine-tuning job: a/cancel."
    assert harness.admin.get("/requests").json()["data"][0]["path"] == "/v1/fine_tuning/jobs/a%2Fcancel"
