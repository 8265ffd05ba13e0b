"""Test helpers: a real local fine-tuning API server on 127.0.0.1.

``serve(**config)`` is a context manager that starts :class:`ftjobs._server.Server` on a free
port in a background thread, yields its base URL (``http://127.0.0.1:PORT/v1``) and stops it.
``config`` takes the fields of ``ServerConfig`` (``api_key``, ``step_seconds``, ``db``,
``fault_rates``, ``clock``, ...); ``step_seconds`` defaults to 0.05 here.

With pytest, this module is a plugin providing the ``ftjobs_server`` fixture (the base URL) and
the ``ftjobs_server`` marker to configure it::

    @pytest.mark.ftjobs_server(step_seconds=0.01, fault_rates={"503": 0.5})
    def test_retries(ftjobs_server: str) -> None: ...

Installing ftjobs is enough: the plugin is published as the ``pytest11`` entry point
``ftjobs.testing``, so pytest loads it at start-up and the marker is known before any test module
is imported (``--strict-markers`` included). ``pytest_plugins = ["ftjobs.testing"]`` (in a conftest
or a test module) and ``-p ftjobs.testing`` find it already registered under that name; where
plugin autoloading is off (``PYTEST_DISABLE_PLUGIN_AUTOLOAD``), load it with ``-p ftjobs.testing``
or from a conftest, both of which come before test modules are imported.

The admin API (``/_ftjobs/...``) sits beside ``/v1``: see :func:`admin_url`. It takes the same key
as ``/v1`` (``Authorization: Bearer`` the server's ``api_key``, :data:`DEFAULT_API_KEY` unless
configured) and JSON bodies (``Content-Type: application/json``). This module imports
pytest only when pytest is installed, and ``import ftjobs`` never imports this module; the server
(``ftjobs._server``) is imported when a server starts, so loading the plugin costs a pytest run
next to nothing and needs no extra installed.
"""

from __future__ import annotations

import contextlib
import importlib.util
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._server import DEFAULT_API_KEY

__all__ = ["DEFAULT_API_KEY", "TEST_STEP_SECONDS", "admin_url", "serve"]

#: ``step_seconds`` of ``serve()`` unless given: a job finishes in about half a second.
TEST_STEP_SECONDS = 0.05


@contextlib.contextmanager
def serve(**config: Any) -> Iterator[str]:
    """Run a local server for the ``with`` block; yields ``http://127.0.0.1:PORT/v1``."""
    from ._server import Server

    config.setdefault("step_seconds", TEST_STEP_SECONDS)
    server = Server(**config)
    url = server.start()
    try:
        yield url
    finally:
        server.stop()


def admin_url(base_url: str, route: str = "") -> str:
    """The admin URL beside a base URL: ``admin_url(url, "advance")`` -> ``.../_ftjobs/advance``.

    Call it with the API's key, e.g. ``httpx2.post(admin_url(url, "advance"), json={"seconds": 60},
    headers={"Authorization": f"Bearer {DEFAULT_API_KEY}"})``.
    """
    root = base_url.rstrip("/").removesuffix("/v1")
    return f"{root}/_ftjobs/{route.lstrip('/')}"


def __getattr__(name: str) -> Any:
    # DEFAULT_API_KEY is the server's: read from it on first use, not when the plugin loads.
    if name == "DEFAULT_API_KEY":
        from ._server import DEFAULT_API_KEY

        return DEFAULT_API_KEY
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


if importlib.util.find_spec("pytest") is not None:
    import pytest

    def pytest_configure(config: pytest.Config) -> None:
        config.addinivalue_line(
            "markers", "ftjobs_server(**config): configure the ftjobs_server fixture (ServerConfig fields)"
        )

    @pytest.fixture
    def ftjobs_server(request: pytest.FixtureRequest) -> Iterator[str]:
        """Base URL of a fresh local server, configured by an ``ftjobs_server`` marker if any."""
        marker = request.node.get_closest_marker("ftjobs_server")
        with serve(**(marker.kwargs if marker else {})) as url:
            yield url
