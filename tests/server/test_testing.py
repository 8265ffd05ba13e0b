"""ftjobs.testing: serve(), admin_url(), the ftjobs_server fixture and marker, import isolation."""

from __future__ import annotations

import subprocess
import sys

import httpx2
import pytest

from ftjobs.testing import DEFAULT_API_KEY, admin_url, serve

pytest_plugins = ["pytester"]

AUTH = {"Authorization": f"Bearer {DEFAULT_API_KEY}"}


def test_serve_yields_a_v1_url_and_stops() -> None:
    """serve() answers on 127.0.0.1 while open, and refuses connections once closed."""
    with serve() as url:
        assert url.startswith("http://127.0.0.1:")
        assert url.endswith("/v1")
        assert httpx2.get(url + "/fine_tuning/jobs/ftjob-abc123", headers=AUTH).status_code == 200
        assert httpx2.get(admin_url(url, "health"), headers=AUTH).json()["status"] == "ok"
    with pytest.raises(httpx2.ConnectError):
        httpx2.get(url + "/fine_tuning/jobs", headers=AUTH, timeout=1)


def test_serve_passes_config() -> None:
    """serve(**config) takes ServerConfig fields; an unknown field is a TypeError."""
    with serve(api_key="sk-other", seed_examples=False) as url:
        assert httpx2.get(url + "/fine_tuning/jobs", headers=AUTH).status_code == 401
        response = httpx2.get(url + "/fine_tuning/jobs", headers={"Authorization": "Bearer sk-other"})
        assert response.json()["data"] == []
    with pytest.raises(TypeError), serve(colour="red"):
        pass
    with pytest.raises(ValueError, match="step_seconds"), serve(step_seconds=0):
        pass


@pytest.mark.parametrize(
    ("base", "route", "expected"),
    [
        ("http://127.0.0.1:1/v1", "advance", "http://127.0.0.1:1/_ftjobs/advance"),
        ("http://127.0.0.1:1/v1/", "/faults", "http://127.0.0.1:1/_ftjobs/faults"),
        ("http://h:2", "", "http://h:2/_ftjobs/"),
    ],
)
def test_admin_url(base: str, route: str, expected: str) -> None:
    """admin_url puts /_ftjobs/ROUTE beside the /v1 base URL."""
    assert admin_url(base, route) == expected


def test_plugin_fixture_and_marker_in_a_pytest_session(pytester: pytest.Pytester) -> None:
    """A project that lists ftjobs.testing in pytest_plugins gets the fixture and the marker."""
    pytester.makeconftest('pytest_plugins = ["ftjobs.testing"]')
    pytester.makepyfile(
        """
        import httpx2, pytest

        @pytest.mark.ftjobs_server(api_key="sk-marked", fault_rates={"503": 1.0})
        def test_marked(ftjobs_server):
            response = httpx2.get(ftjobs_server + "/fine_tuning/jobs", headers={"api-key": "sk-marked"})
            assert response.status_code == 503

        def test_plain(ftjobs_server):
            response = httpx2.get(ftjobs_server + "/fine_tuning/jobs", headers={"api-key": "sk-ftjobs-local"})
            assert [job["id"] for job in response.json()["data"]] == ["ftjob-abc", "ftjob-abc123"]
        """
    )
    result = pytester.runpytest("--strict-markers", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)


def run_python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=30, check=False
    )


def test_import_ftjobs_does_not_import_the_server() -> None:
    """`import ftjobs` keeps the server (and http.server, sqlite3) out of sys.modules."""
    result = run_python(
        "import sys, ftjobs; bad = [m for m in ('ftjobs._server', 'ftjobs.testing', 'sqlite3', 'http.server')"
        " if m in sys.modules]; print(bad); assert not bad"
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_testing_works_without_pytest() -> None:
    """Without pytest, ftjobs.testing imports and serve() works; there is just no fixture."""
    result = run_python(
        "import sys; sys.modules['pytest'] = None\n"
        "import httpx2, ftjobs.testing as t\n"
        "assert not hasattr(t, 'ftjobs_server')\n"
        "with t.serve() as url:\n"
        "    r = httpx2.get(url + '/fine_tuning/jobs/ftjob-abc123', headers={'api-key': t.DEFAULT_API_KEY})\n"
        "    assert r.status_code == 200, r.status_code\n"
    )
    assert result.returncode == 0, result.stdout + result.stderr
