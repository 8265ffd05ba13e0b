"""Client settings from the environment (issue 21): what the HTTP client ftjobs builds will read
(proxies, CA certificates) is checked by ``Client()``/``AsyncClient()``, a ConfigurationError naming
the variable, never an httpx2/ssl/ImportError at the first call; what the environment says is still
what is used (lower case first, ``NO_PROXY=*``, ``SSL_CERT_FILE`` over ``SSL_CERT_DIR``), and a
client given ``http_client=`` does not read it. Against loopback servers, which must see nothing
from a refused client."""

from __future__ import annotations

import asyncio
import importlib.util
import json
import ssl
import subprocess
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2
import pytest

import ftjobs
from tests.reliability.loopback import JOB, Loopback

#: Everything these tests set: the machine's own values (SSL_CERT_FILE here) are removed first.
_PROXIES = ("http_proxy", "https_proxy", "all_proxy", "no_proxy")
VARIABLES = (
    *_PROXIES,
    *(name.upper() for name in _PROXIES),
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
    "REQUEST_METHOD",
)
#: A proxy password: never in an error.
PASSWORD = "pa ss-Zq81"
CLIENTS = [ftjobs.Client, ftjobs.AsyncClient]


@pytest.fixture(autouse=True)
def _no_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (it is its own CA) and its key."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"),
            *("-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"),
            *("-keyout", str(key), "-out", str(cert)),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


@pytest.fixture
def files(tmp_path: Path) -> dict[str, str]:
    """Paths for the certificate variables: a missing file, garbage, a directory, an empty one."""
    garbage = tmp_path / "garbage.pem"
    garbage.write_text("not a certificate\n")
    empty_dir = tmp_path / "empty"
    empty_dir.mkdir()
    (empty_dir / "README").write_text("no hashed names here\n")
    return {
        "missing": str(tmp_path / "missing.pem"),
        "garbage": str(garbage),
        "directory": str(tmp_path),
        "empty-dir": str(empty_dir),
    }


def _call(client: ftjobs.Client | ftjobs.AsyncClient) -> ftjobs.Job:
    """One retrieve on a client of either kind, closing it."""
    if isinstance(client, ftjobs.Client):
        with client:
            return client.jobs.retrieve("ftjob-abc123")

    async def main() -> ftjobs.Job:
        async with client:
            return await client.jobs.retrieve("ftjob-abc123")

    return asyncio.run(main())


BAD_ENVIRONMENT: dict[str, tuple[dict[str, str], str]] = {
    # name: (variables, the variable the error names)
    "http-proxy-not-a-url": ({"HTTP_PROXY": f"http://user:{PASSWORD}@[::1:bad"}, "HTTP_PROXY"),
    "https-proxy-lower-case": ({"https_proxy": f"http://user:{PASSWORD}@[::1:bad"}, "https_proxy"),
    "all-proxy-port": ({"ALL_PROXY": "http://127.0.0.1:99999"}, "ALL_PROXY"),
    "proxy-scheme": ({"HTTP_PROXY": f"ftp://user:{PASSWORD}@proxy.example:21"}, "HTTP_PROXY"),
    "proxy-empty-label": ({"HTTPS_PROXY": f"http://user:{PASSWORD}@a..b:3128"}, "HTTPS_PROXY"),
    "proxy-long-label": ({"http_proxy": "http://" + "a" * 64 + ".example:3128"}, "http_proxy"),
    "proxy-no-host": ({"ALL_PROXY": "http://:3128"}, "ALL_PROXY"),
    "no-proxy-refused-by-httpx2": ({"NO_PROXY": "xn--zz"}, "NO_PROXY"),
    "no-proxy-lower-case": ({"HTTP_PROXY": "http://127.0.0.1:3128", "no_proxy": "xn--zz"}, "no_proxy"),
    "ssl-cert-file-missing": ({"SSL_CERT_FILE": "missing"}, "SSL_CERT_FILE"),
    "ssl-cert-file-garbage": ({"SSL_CERT_FILE": "garbage"}, "SSL_CERT_FILE"),
    "ssl-cert-file-directory": ({"SSL_CERT_FILE": "directory"}, "SSL_CERT_FILE"),
    "ssl-cert-dir-missing": ({"SSL_CERT_DIR": "missing"}, "SSL_CERT_DIR"),
    "ssl-cert-dir-a-file": ({"SSL_CERT_DIR": "garbage"}, "SSL_CERT_DIR"),
    "ssl-cert-dir-no-certificates": ({"SSL_CERT_DIR": "empty-dir"}, "SSL_CERT_DIR"),
}


@pytest.mark.parametrize("cls", CLIENTS)
@pytest.mark.parametrize("name", sorted(BAD_ENVIRONMENT))
def test_a_bad_environment_is_a_configuration_error_at_construction(
    name: str, cls: Any, files: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each variable httpx2 would refuse at the first call raises ConfigurationError naming it from
    the constructor; nothing is sent, and a proxy password is never shown."""
    variables, named = BAD_ENVIRONMENT[name]
    for variable, value in variables.items():
        monkeypatch.setenv(variable, files.get(value, value))
    with Loopback() as server, pytest.raises(ftjobs.ConfigurationError) as caught:
        cls(api_key="sk-config", base_url=server.origin + "/v1")
    message = str(caught.value)
    assert message.startswith(named) or f"({named})" in message or f" {named})" in message, message
    assert PASSWORD not in message and "pa%20ss" not in message
    assert caught.value.__cause__ is None
    assert server.seen == []


@pytest.mark.skipif(importlib.util.find_spec("socksio") is not None, reason="socksio is installed")
@pytest.mark.parametrize("cls", CLIENTS)
@pytest.mark.parametrize("scheme", ["socks5", "socks5h"])
def test_a_socks_proxy_without_socksio_is_a_configuration_error(
    cls: Any, scheme: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ALL_PROXY=socks5://... without the socksio package: ConfigurationError naming the variable
    and the package (it was an ImportError at the first call)."""
    monkeypatch.setenv("ALL_PROXY", f"{scheme}://127.0.0.1:1080")
    with pytest.raises(ftjobs.ConfigurationError, match=r"^ALL_PROXY=.*socksio"):
        cls(api_key="sk-config", base_url="http://127.0.0.1:1/v1")


def _proxying(method: str, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    """A forward proxy's answer: the job, for a request in absolute form to api.example."""
    if not path.startswith("http://api.example/v1/"):
        return 400, {}, b"not a proxy request"
    return 200, {"Content-Type": "application/json"}, json.dumps(JOB).encode()


@pytest.mark.parametrize("cls", CLIENTS)
@pytest.mark.parametrize(
    "variables",
    [
        {"HTTP_PROXY": "{proxy}"},
        {"all_proxy": "{proxy}"},
        {"http_proxy": "{proxy}", "HTTP_PROXY": "http://[::1:bad"},  # lower case wins, as in urllib
        {"HTTP_PROXY": "{host}"},  # no scheme: http, as httpx2 reads it
        {"HTTP_PROXY": "{proxy}", "NO_PROXY": "[::1:bad,other.example"},  # httpx2 skips what it cannot parse
    ],
    ids=["upper", "all-lower", "lower-wins", "no-scheme", "no-proxy-skipped-entry"],
)
def test_a_good_proxy_environment_is_accepted_and_used(
    cls: Any, variables: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A usable proxy from the environment passes the checks, and the call goes through it."""
    with Loopback(_proxying) as proxy:
        host = proxy.origin.removeprefix("http://")
        for variable, value in variables.items():
            monkeypatch.setenv(variable, value.format(proxy=proxy.origin, host=host))
        assert (
            _call(cls(api_key="sk-config", base_url="http://api.example/v1", max_retries=0)).id == JOB["id"]
        )
    assert [path for _, path, _ in proxy.seen] == ["http://api.example/v1/fine_tuning/jobs/ftjob-abc123"]


@pytest.mark.parametrize("cls", CLIENTS)
@pytest.mark.parametrize(
    "variables",
    [
        {"HTTP_PROXY": "http://[::1:bad", "NO_PROXY": "*"},  # httpx2 then uses no proxy at all
        {"HTTP_PROXY": "http://[::1:bad", "REQUEST_METHOD": "GET"},  # CGI: urllib ignores HTTP_PROXY
    ],
    ids=["no-proxy-star", "cgi"],
)
def test_proxies_the_environment_turns_off_are_not_checked(
    cls: Any, variables: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bad proxy variable that httpx2 will not use is no error: the call goes straight out."""
    for variable, value in variables.items():
        monkeypatch.setenv(variable, value)
    with Loopback() as server:
        assert _call(cls(api_key="sk-config", base_url=server.origin + "/v1")).id == JOB["id"]
    assert len(server.seen) == 1


@pytest.fixture
def tls_server(certificate: tuple[Path, Path]) -> Iterator[Loopback]:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*certificate)
    with Loopback(tls=context) as server:
        yield server


@pytest.mark.parametrize("cls", CLIENTS)
@pytest.mark.parametrize("variable", ["SSL_CERT_FILE", "SSL_CERT_DIR"])
def test_the_certificate_the_environment_names_is_the_one_used(
    cls: Any,
    variable: str,
    certificate: tuple[Path, Path],
    tls_server: Loopback,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """SSL_CERT_FILE (a PEM file) or SSL_CERT_DIR (hashed names) holding the server's certificate:
    accepted, and the server is verified with it (without it, the default store refuses it)."""
    if variable == "SSL_CERT_FILE":
        monkeypatch.setenv(variable, str(certificate[0]))
    else:
        digest = subprocess.run(
            ["openssl", "x509", "-hash", "-noout", "-in", str(certificate[0])],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        (tmp_path / f"{digest}.0").write_bytes(certificate[0].read_bytes())
        monkeypatch.setenv(variable, str(tmp_path))
    assert _call(cls(api_key="sk-config", base_url=tls_server.origin + "/v1", max_retries=0)).id == JOB["id"]


@pytest.mark.parametrize("cls", CLIENTS)
def test_ssl_cert_file_wins_over_ssl_cert_dir(
    cls: Any, certificate: tuple[Path, Path], tls_server: Loopback, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With SSL_CERT_FILE set, httpcore2 never reads SSL_CERT_DIR: a missing directory is no error."""
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
    monkeypatch.setenv("SSL_CERT_DIR", "/nonexistent/certs")
    assert _call(cls(api_key="sk-config", base_url=tls_server.origin + "/v1", max_retries=0)).id == JOB["id"]


@pytest.mark.parametrize("cls", CLIENTS)
def test_the_environment_is_not_read_when_it_is_not_used(
    cls: Any, certificate: tuple[Path, Path], files: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """verify=False, verify=<a CA bundle> and the user's own http_client ignore SSL_CERT_FILE and the
    proxies (as httpx2 does): a garbage SSL_CERT_FILE and a bad HTTP_PROXY are no error then."""
    monkeypatch.setenv("SSL_CERT_FILE", files["garbage"])
    monkeypatch.setenv("SSL_CERT_DIR", files["missing"])
    with Loopback() as server:
        url = server.origin + "/v1"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ftjobs.InsecureTransportWarning)
            cls(api_key="sk-config", base_url=url, verify=False)
        cls(api_key="sk-config", base_url=url, verify=str(certificate[0]))
        monkeypatch.setenv("HTTP_PROXY", "http://[::1:bad")
        http_class = httpx2.Client if cls is ftjobs.Client else httpx2.AsyncClient
        assert (
            _call(cls(api_key="sk-config", base_url=url, http_client=http_class(trust_env=False))).id
            == JOB["id"]
        )


@pytest.mark.parametrize("cls", CLIENTS)
def test_an_empty_variable_is_unset(cls: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """SSL_CERT_FILE="" and HTTP_PROXY="" mean unset, as in httpcore2 and urllib."""
    monkeypatch.setenv("SSL_CERT_FILE", "")
    monkeypatch.setenv("HTTP_PROXY", "")
    with Loopback() as server:
        assert _call(cls(api_key="sk-config", base_url=server.origin + "/v1")).id == JOB["id"]


@pytest.mark.parametrize("cls", CLIENTS)
@pytest.mark.parametrize("damage", ["not-pem-inside", "removed"])
def test_a_damaged_bundle_past_the_checks_is_a_configuration_error_at_the_first_https_call(
    cls: Any,
    damage: str,
    certificate: tuple[Path, Path],
    tls_server: Loopback,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A bundle that looks like PEM but is not, or one removed after Client() checked it (loading
    it is left to the first https request: it costs tens of milliseconds): that call raises
    ConfigurationError naming the variables, not ssl.SSLError or OSError, and sends nothing. Over
    ``http://`` nothing is verified, so the bundle is never read."""
    bundle = tmp_path / "damaged.pem"
    if damage == "not-pem-inside":
        bundle.write_text("-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n")
    else:
        bundle.write_bytes(certificate[0].read_bytes())
    monkeypatch.setenv("SSL_CERT_FILE", str(bundle))
    client = cls(api_key="sk-config", base_url=tls_server.origin + "/v1", max_retries=0)
    plain_client = cls(api_key="sk-config", base_url="http://127.0.0.1:1/v1", max_retries=0)
    if damage == "removed":
        bundle.unlink()
    with pytest.raises(ftjobs.ConfigurationError, match="SSL_CERT_FILE"):
        _call(client)
    assert tls_server.seen == []
    with Loopback() as server:
        assert _call(plain_client.with_options(base_url=server.origin + "/v1")).id == JOB["id"]


# --- the trust store, loaded at the first https request (issue 27) -------------------------------


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, ...]]:
    """Every CA store loaded into an SSLContext from now on (what a client's TLS setup costs)."""
    seen: list[tuple[Any, ...]] = []
    real = ssl.SSLContext.load_verify_locations

    def spy(self: ssl.SSLContext, *args: Any, **kwargs: Any) -> None:
        seen.append(args)
        real(self, *args, **kwargs)

    monkeypatch.setattr(ssl.SSLContext, "load_verify_locations", spy)
    return seen


@pytest.mark.parametrize("cls", CLIENTS)
def test_a_plain_http_base_url_never_loads_a_trust_store(cls: Any, loads: list[tuple[Any, ...]]) -> None:
    """verify=True (the default) against ``http://``: calls work and no CA bundle is ever loaded."""
    with Loopback() as server:
        assert _call(cls(api_key="sk-config", base_url=server.origin + "/v1")).id == JOB["id"]
    assert loads == []


@pytest.mark.parametrize("cls", CLIENTS)
def test_a_redirect_from_http_to_https_loads_the_trust_store_then(
    cls: Any,
    certificate: tuple[Path, Path],
    tls_server: Loopback,
    loads: list[tuple[Any, ...]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The first https request of a client built for ``http://`` (here a redirect) loads the trust
    store the environment names, once, and is verified with it; without it, it is refused."""
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))

    def moved(method: str, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        return 307, {"Location": tls_server.origin + path}, b""

    with Loopback(moved) as plain:
        assert _call(cls(api_key="sk-config", base_url=plain.origin + "/v1", max_retries=0)).id == JOB["id"]
        assert loads == [(str(certificate[0]), None, None)]
        assert [path for _, path, _ in tls_server.seen] == ["/v1/fine_tuning/jobs/ftjob-abc123"]
        monkeypatch.delenv("SSL_CERT_FILE")
        with pytest.raises(ftjobs.APIConnectionError, match="CERTIFICATE_VERIFY_FAILED"):
            _call(cls(api_key="sk-config", base_url=plain.origin + "/v1", max_retries=0))
    assert len(tls_server.seen) == 1


@pytest.mark.parametrize("cls", CLIENTS)
def test_an_https_request_that_skipped_loading_fails_closed(
    cls: Any, certificate: tuple[Path, Path], tls_server: Loopback, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Until the trust store is loaded, the client's TLS context trusts no certificate: were the
    loading skipped, a server the environment trusts is still refused, never reached unverified."""
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
    monkeypatch.setattr("ftjobs._http.trust_for_https", lambda client: None)
    with pytest.raises(ftjobs.APIConnectionError, match="CERTIFICATE_VERIFY_FAILED"):
        _call(cls(api_key="sk-config", base_url=tls_server.origin + "/v1", max_retries=0))
    assert tls_server.seen == []


def test_threads_racing_for_the_first_https_request_load_the_trust_store_once(
    certificate: tuple[Path, Path],
    tls_server: Loopback,
    loads: list[tuple[Any, ...]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Eight threads' first calls on one client: all verified and answered, one load."""
    from concurrent.futures import ThreadPoolExecutor

    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
    with ftjobs.Client(api_key="sk-config", base_url=tls_server.origin + "/v1", max_retries=0) as client:
        with ThreadPoolExecutor(8) as pool:
            ids = list(pool.map(lambda _: client.jobs.retrieve("ftjob-abc123").id, range(8)))
        copy = client.with_options(timeout=5.0)  # shares the pool, and its trust store
        assert copy.jobs.retrieve("ftjob-abc123").id == JOB["id"]
    assert ids == [JOB["id"]] * 8
    assert loads == [(str(certificate[0]), None, None)]


def test_every_pool_of_the_client_gets_the_trust_store(
    certificate: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """With proxies from the environment, the client has a pool per proxy: each one is given the
    loaded context in place of the placeholder (which verifies and trusts nothing)."""
    from ftjobs._config import DeferredTrust, trust_for_https

    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    deferred = DeferredTrust()
    assert deferred.placeholder.verify_mode == ssl.CERT_REQUIRED and deferred.placeholder.check_hostname
    assert deferred.placeholder.cert_store_stats()["x509_ca"] == 0
    client = deferred.build(httpx2.Client, follow_redirects=False)
    pools = [t._pool for t in (client._transport, *client._mounts.values()) if t is not None]
    assert len(pools) == 3 and all(pool._ssl_context is deferred.placeholder for pool in pools)
    trust_for_https(client)
    contexts = {id(pool._ssl_context) for pool in pools}
    assert len(contexts) == 1 and pools[0]._ssl_context is not deferred.placeholder
    assert pools[0]._ssl_context.cert_store_stats()["x509_ca"] == 1
    client.close()


def test_a_child_forked_while_the_trust_store_loads_loads_its_own(
    certificate: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Forked while another thread of the parent holds the loading lock: the child gets a fresh lock
    and loads the trust store itself (instead of waiting forever for a thread it does not have)."""
    import os
    import signal

    from ftjobs._config import DeferredTrust, trust_for_https

    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
    deferred = DeferredTrust()
    client = deferred.build(httpx2.Client)
    with deferred._lock:  # as a thread loading it at the moment of the fork would
        pid = os.fork()
        if pid == 0:  # pragma: no cover (the child)
            signal.alarm(10)  # a deadlock ends the child with SIGALRM
            try:
                trust_for_https(client)
                os._exit(0 if client._transport._pool._ssl_context is not deferred.placeholder else 1)
            except BaseException:
                os._exit(2)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    client.close()


@pytest.mark.parametrize("cls", CLIENTS)
def test_without_ca_variables_the_first_https_request_loads_the_system_store(
    cls: Any, tls_server: Loopback, loads: list[tuple[Any, ...]]
) -> None:
    """No SSL_CERT_FILE/SSL_CERT_DIR: the first https request loads the system's CA store (what
    httpcore2 loads: OpenSSL's compiled-in paths), once, and a self-signed server is refused."""
    client = cls(api_key="sk-config", base_url=tls_server.origin + "/v1", max_retries=0)
    assert loads == []
    with pytest.raises(ftjobs.APIConnectionError, match="CERTIFICATE_VERIFY_FAILED"):
        _call(client)
    paths = ssl.get_default_verify_paths()
    assert len(loads) == 1 and set(loads[0]) <= {paths.openssl_cafile, paths.openssl_capath, None}
    assert loads[0] != (None, None)
    assert tls_server.seen == []
