"""Client and AsyncClient: the public entry points, and their ``jobs`` resources."""

from __future__ import annotations

import ssl
import time
import warnings
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypedDict, TypeVar, Unpack

import attrs
import httpx2

from . import _calls as calls
from ._config import (
    call_max_retries,
    call_timeout,
    check_options,
    credentials_in,
    headers_setting,
    response_cap,
    retry_setting,
    timeout_setting,
    verify_setting,
)
from ._constants import (
    ASYNC_POOL_LIMITS,
    DEFAULT_POLL_INTERVAL,
    DEFAULT_TIMEOUT,
    MAX_POLL_INTERVAL,
    MAX_RESPONSE_BYTES,
)
from ._errors import (
    APIConnectionError,
    APIStatusError,
    ConfigurationError,
    Error,
    PaginationError,
    ResponseValidationError,
)
from ._http import AsyncEngine, Call, Reply, Settings, SyncEngine, TimeoutTypes, attempt_limit, locate
from ._pagination import AsyncPager, SyncPager
from ._params import CreateFields
from ._providers import resolve_connection
from ._retry import RetryPolicy
from ._secrets import guard
from ._status import JobStatus
from ._wait import MAX_EVENT_PAGES_PER_POLL, OnEvent, OnUpdate, Waiter

if TYPE_CHECKING:  # the typed views load with the first answer (below): `Client()` starts ~18 ms sooner
    from ._metrics import JobMetrics
    from ._models import Checkpoint, Item, Job, JobEvent, Page
    from ._options import RequestOptions

T = TypeVar("T")


# The typed views (ftjobs._models: the job, its nested objects, pages) cost ~18 ms to import; they are
# imported with the first answer to parse, not by `import ftjobs; Client()` (cold start, bench goal 1).


def _job_type() -> type[Job]:
    from ._models import Job

    return Job


def _event_type() -> type[JobEvent]:
    from ._models import JobEvent

    return JobEvent


def _checkpoint_type() -> type[Checkpoint]:
    from ._models import Checkpoint

    return Checkpoint


def _parse_page(data: Any, item: type[Item]) -> Page[Item]:
    from ._models import parse_page

    return parse_page(data, item)


class InsecureTransportWarning(UserWarning):
    """TLS certificate verification was turned off for a client."""


class ClientOptions(TypedDict, total=False):
    """Keyword arguments shared by Client and AsyncClient (see the class docstring)."""

    api_key: str | None
    base_url: str | None
    provider: str
    organization: str | None
    project: str | None
    virtual_key: str | None
    portkey_provider: str | None
    provider_api_key: str | None
    config: str | None
    custom_host: str | None
    api_version: str | None
    timeout: TimeoutTypes
    max_retries: int
    retry: RetryPolicy | None
    default_headers: Mapping[str, str] | None
    verify: bool | str | ssl.SSLContext
    max_response_bytes: int


def _settings(options: ClientOptions) -> Settings:
    check_options(options, ClientOptions.__optional_keys__ | ClientOptions.__required_keys__)
    connection = resolve_connection(
        options.get("provider", "openai"),
        api_key=options.get("api_key"),
        base_url=options.get("base_url"),
        organization=options.get("organization"),
        project=options.get("project"),
        virtual_key=options.get("virtual_key"),
        portkey_provider=options.get("portkey_provider"),
        provider_api_key=options.get("provider_api_key"),
        config=options.get("config"),
        custom_host=options.get("custom_host"),
        api_version=options.get("api_version"),
    )
    policy = retry_setting(options.get("retry"), options.get("max_retries"))
    timeout = timeout_setting(options.get("timeout", DEFAULT_TIMEOUT))
    if verify_setting(options.get("verify", True)) is False:
        warnings.warn(
            "TLS certificate verification is off: anyone on the network path can read your API key",
            InsecureTransportWarning,
            stacklevel=4,
        )
    extra_headers = headers_setting(options.get("default_headers"))
    if credentials_in(extra_headers):
        connection = attrs.evolve(connection, extra_secrets=credentials_in(extra_headers))
    guard(connection)  # the HTTP stack's DEBUG records never show its credentials
    return Settings(
        connection=connection,
        timeout=timeout,
        retry=policy,
        extra_headers=extra_headers,
        max_response_bytes=response_cap(options.get("max_response_bytes", MAX_RESPONSE_BYTES)),
    )


def _poll_timeout(settings: Settings, waiter: Waiter, request_timeout: TimeoutTypes) -> TimeoutTypes:
    """The timeout of a wait's next request: its own, or the time left before the wait's deadline."""
    own = request_timeout if request_timeout is not None else settings.timeout
    cap = waiter.request_limit(attempt_limit(own if isinstance(own, httpx2.Timeout) else httpx2.Timeout(own)))
    return request_timeout if cap is None else cap


def _create_call(fields: CreateFields) -> Call:
    body: dict[str, Any] = {k: v for k, v in fields.items() if k != "extra_body"}
    return calls.create({**body, **(fields.get("extra_body") or {})})


_ACTION_RESULTS = {
    "cancel": frozenset({JobStatus.CANCELLED}),
    "pause": frozenset({JobStatus.PAUSED}),
    "resume": frozenset({JobStatus.RUNNING, JobStatus.QUEUED, JobStatus.VALIDATING_FILES}),
}


def lost_answer(exc: APIStatusError) -> bool:
    """True when a retried action was refused (400/409): the first attempt may have acted unseen."""
    return exc.retries > 0 and exc.status_code in (400, 409)


def reached(action: str, job: Job) -> bool:
    """True when job is in the state action leads to (so a lost first answer did the work)."""
    return job.status in _ACTION_RESULTS[action]


def _tls(verify: bool | str | ssl.SSLContext) -> bool | ssl.SSLContext:
    """httpx's ``verify``: a CA bundle path becomes an SSLContext (httpx deprecates passing paths)."""
    if not isinstance(verify, str):
        return verify
    try:
        return ssl.create_default_context(cafile=verify)
    except (OSError, ssl.SSLError) as exc:
        raise ConfigurationError(f"verify={verify!r}: cannot load CA certificates: {exc}") from exc


def _parse(parser: Callable[[Any], T], data: Any, response: Reply, redact: Callable[[str], str]) -> T:
    try:
        return parser(data)
    except ResponseValidationError as exc:
        raise locate(exc, response).redact(redact) from exc.__cause__


_CLIENT_DOC = """
    Keyword arguments (each: the argument, else the environment variable, else the default):

    - ``provider``: ``"openai"`` (default), ``"portkey"``, ``"azure"`` or ``"compatible"``.
    - ``api_key``: OpenAI/compatible ``OPENAI_API_KEY``; Portkey ``PORTKEY_API_KEY``; Azure
      ``AZURE_OPENAI_API_KEY``. Missing: ConfigurationError naming both.
    - ``base_url``: ``OPENAI_BASE_URL`` / ``PORTKEY_BASE_URL`` / ``AZURE_OPENAI_ENDPOINT``; defaults
      ``https://api.openai.com/v1`` and ``https://api.portkey.ai/v1`` (compatible and azure need one).
    - OpenAI: ``organization`` (``OPENAI_ORG_ID``), ``project`` (``OPENAI_PROJECT_ID``).
    - Portkey, one routing mode: ``virtual_key`` (``PORTKEY_VIRTUAL_KEY``); or ``portkey_provider`` +
      ``provider_api_key`` (+ optional ``custom_host``); or ``config``.
    - Azure: ``api_version`` (``OPENAI_API_VERSION``, default 2024-10-21).
    - ``timeout`` (seconds or httpx2.Timeout; default 30 s read, 10 s connect), ``max_retries``
      (default 2) or a full ``retry=RetryPolicy(...)``; both can be overridden per call.
    - ``default_headers``, ``http_client`` (your own httpx client; not closed by us), ``verify``
      (TLS verification: True, a CA bundle path or an ``ssl.SSLContext``; turning it off warns),
      ``max_response_bytes`` (default 32 MiB).

    Every option is checked here (type, range, sendable headers, a usable base URL; unknown names
    too): a bad one raises ConfigurationError naming it, before any request.
"""


class Jobs:
    """Fine-tuning jobs: ``client.jobs``."""

    def __init__(self, engine: SyncEngine) -> None:
        self._engine = engine
        self._redact = engine.settings.redact

    def _send(self, call: Call, timeout: TimeoutTypes, max_retries: int | None) -> tuple[Any, Reply]:
        if timeout is not None or max_retries is not None:
            call_timeout(timeout)
            call_max_retries(max_retries)
        try:
            return self._engine.request(call, timeout=timeout, max_retries=max_retries)
        except Error as exc:  # server text in it may echo a credential
            exc.redact(self._redact)
            raise

    def _job(self, call: Call, timeout: TimeoutTypes, max_retries: int | None) -> Job:
        data, response = self._send(call, timeout, max_retries)
        return _parse(_job_type().from_dict, data, response, self._redact)

    def _page(self, call: Call, item: type[Item], timeout: TimeoutTypes) -> Page[Item]:
        data, response = self._send(call, timeout, None)
        return _parse(lambda d: _parse_page(d, item), data, response, self._redact)

    def retrieve(self, job_id: str, *, timeout: TimeoutTypes = None, max_retries: int | None = None) -> Job:
        """The job with this id. Raises NotFoundError for an unknown id, InvalidJobIdError for a bad one."""
        return self._job(calls.retrieve(job_id), timeout, max_retries)

    def _action(self, name: str, job_id: str, timeout: TimeoutTypes, max_retries: int | None) -> Job:
        try:
            return self._job(calls.action(name, job_id), timeout, max_retries)
        except APIStatusError as exc:
            if not lost_answer(exc):
                raise
            job = self.retrieve(job_id, timeout=timeout)
            if not reached(name, job):
                raise
            return job

    def create(
        self, *, timeout: TimeoutTypes = None, max_retries: int | None = None, **fields: Unpack[CreateFields]
    ) -> Job:
        """Start a job: ``create(model=..., training_file=..., method=..., validation_file=...,
        suffix=..., seed=..., metadata=..., integrations=..., hyperparameters=..., extra_body=...)``.

        ``method`` is a :class:`ftjobs.MethodParam` dict (``{"type": "supervised"|"dpo"|
        "reinforcement", ...}``), ``integrations`` a list of :class:`ftjobs.IntegrationParam`; every
        key is checked by type checkers (see ``ftjobs._params``). Retried only when the server
        certainly did not act (see README).
        """
        return self._job(_create_call(fields), timeout, max_retries)

    def cancel(self, job_id: str, *, timeout: TimeoutTypes = None, max_retries: int | None = None) -> Job:
        """Cancel a job that has not finished."""
        return self._action("cancel", job_id, timeout, max_retries)

    def pause(self, job_id: str, *, timeout: TimeoutTypes = None, max_retries: int | None = None) -> Job:
        """Pause a running job (status becomes ``paused``)."""
        return self._action("pause", job_id, timeout, max_retries)

    def resume(self, job_id: str, *, timeout: TimeoutTypes = None, max_retries: int | None = None) -> Job:
        """Resume a paused job."""
        return self._action("resume", job_id, timeout, max_retries)

    def list(
        self,
        *,
        limit: int | None = None,
        metadata: Mapping[str, str] | None = None,
        timeout: TimeoutTypes = None,
    ) -> SyncPager[Job]:
        """All jobs, newest first, fetched lazily ``limit`` per page; ``metadata`` filters by key/value."""
        calls.list_jobs(None, limit, metadata)  # check the arguments now, not at first iteration
        return SyncPager(
            lambda after: self._page(calls.list_jobs(after, limit, metadata), _job_type(), timeout),
            "jobs.list",
            self._redact,
        )

    def events(
        self, job_id: str, *, limit: int | None = None, timeout: TimeoutTypes = None
    ) -> SyncPager[JobEvent]:
        """The job's events, newest first, fetched lazily."""
        calls.events(job_id, None, limit)
        return SyncPager(
            lambda after: self._page(calls.events(job_id, after, limit), _event_type(), timeout),
            "jobs.events",
            self._redact,
        )

    def checkpoints(
        self, job_id: str, *, limit: int | None = None, timeout: TimeoutTypes = None
    ) -> SyncPager[Checkpoint]:
        """The job's checkpoints, fetched lazily."""
        calls.checkpoints(job_id, None, limit)
        return SyncPager(
            lambda after: self._page(calls.checkpoints(job_id, after, limit), _checkpoint_type(), timeout),
            "jobs.checkpoints",
            self._redact,
        )

    def metrics(self, job_id: str, **options: Unpack[RequestOptions]) -> JobMetrics:
        """The job's training metrics, one :class:`ftjobs.MetricsRow` per step, ordered by step: built
        from every page of its metrics events, with its checkpoints' metrics filling what they lack
        (see ``ftjobs._metrics``). Per-call ``options`` apply to each request."""
        from ._metrics import fetch

        return fetch(self._engine, job_id, options)

    def wait(
        self,
        job_id: str,
        *,
        timeout: float | None = None,
        poll_interval: float = DEFAULT_POLL_INTERVAL,
        max_poll_interval: float = MAX_POLL_INTERVAL,
        on_update: OnUpdate | None = None,
        on_event: OnEvent | None = None,
        on_poll: OnUpdate | None = None,
        request_timeout: TimeoutTypes = None,
    ) -> Job:
        """Poll until the job is terminal and return it.

        The interval starts at ``poll_interval`` and grows by half each poll up to
        ``max_poll_interval``; a ``Retry-After``/``retry-after-ms`` header on the job response is
        honoured instead. ``on_update(job)`` is called on the first poll and every status change;
        ``on_event(event)`` for each new event, oldest first; ``on_poll(job)`` after every poll (for
        progress displays). ``timeout`` (seconds, None = no limit)
        raises WaitTimeoutError carrying the last job seen. The deadline is checked before every
        request (each poll, each page of events: at most 100 pages per poll), and each request gets
        at most the time left (at least 1 s): a server that drips, cycles or never stops paging
        cannot hold the wait much past ``timeout``.
        """
        waiter = Waiter(
            job_id,
            timeout=timeout,
            poll_interval=poll_interval,
            max_poll_interval=max_poll_interval,
            on_update=on_update,
            on_poll=on_poll,
            on_event=on_event,
            redact=self._redact,
        )
        call_timeout(request_timeout)
        while True:
            per_request = _poll_timeout(self._engine.settings, waiter, request_timeout)
            try:
                data, response = self._send(calls.retrieve(job_id), per_request, None)
            except APIConnectionError as exc:
                if waiter.expired():  # the deadline passed while the server did not answer
                    raise waiter.timed_out() from exc
                raise
            job = _parse(_job_type().from_dict, data, response, self._redact)
            if on_event is not None:
                self._emit_events(job_id, waiter, on_event, per_request)
            if waiter.observe(job):
                return job
            time.sleep(waiter.delay(response.headers))

    def _emit_events(self, job_id: str, waiter: Waiter, on_event: OnEvent, timeout: TimeoutTypes) -> None:
        fresh: list[JobEvent] = []
        pages = self.events(job_id, limit=100, timeout=timeout).pages(max_pages=MAX_EVENT_PAGES_PER_POLL)
        try:
            for page in pages:
                fresh.extend(page.items)
                if waiter.walk_done(page.items):
                    break
        except PaginationError as exc:
            waiter.events_walk_ended(exc)
        for event in waiter.new_events(fresh):
            on_event(event)


class AsyncJobs:
    """Fine-tuning jobs on an AsyncClient: the same methods as :class:`Jobs`, awaited."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._redact = engine.settings.redact

    async def _send(self, call: Call, timeout: TimeoutTypes, max_retries: int | None) -> tuple[Any, Reply]:
        if timeout is not None or max_retries is not None:
            call_timeout(timeout)
            call_max_retries(max_retries)
        try:
            return await self._engine.request(call, timeout=timeout, max_retries=max_retries)
        except Error as exc:  # server text in it may echo a credential
            exc.redact(self._redact)
            raise

    async def _job(self, call: Call, timeout: TimeoutTypes, max_retries: int | None) -> Job:
        data, response = await self._send(call, timeout, max_retries)
        return _parse(_job_type().from_dict, data, response, self._redact)

    async def _page(self, call: Call, item: type[Item], timeout: TimeoutTypes) -> Page[Item]:
        data, response = await self._send(call, timeout, None)
        return _parse(lambda d: _parse_page(d, item), data, response, self._redact)

    async def retrieve(
        self, job_id: str, *, timeout: TimeoutTypes = None, max_retries: int | None = None
    ) -> Job:
        """The job with this id (see :meth:`Jobs.retrieve`)."""
        return await self._job(calls.retrieve(job_id), timeout, max_retries)

    async def _action(self, name: str, job_id: str, timeout: TimeoutTypes, max_retries: int | None) -> Job:
        try:
            return await self._job(calls.action(name, job_id), timeout, max_retries)
        except APIStatusError as exc:
            if not lost_answer(exc):
                raise
            job = await self.retrieve(job_id, timeout=timeout)
            if not reached(name, job):
                raise
            return job

    async def create(
        self, *, timeout: TimeoutTypes = None, max_retries: int | None = None, **fields: Unpack[CreateFields]
    ) -> Job:
        """Start a job (see :meth:`Jobs.create`)."""
        return await self._job(_create_call(fields), timeout, max_retries)

    async def cancel(
        self, job_id: str, *, timeout: TimeoutTypes = None, max_retries: int | None = None
    ) -> Job:
        """Cancel a job that has not finished."""
        return await self._action("cancel", job_id, timeout, max_retries)

    async def pause(
        self, job_id: str, *, timeout: TimeoutTypes = None, max_retries: int | None = None
    ) -> Job:
        """Pause a running job."""
        return await self._action("pause", job_id, timeout, max_retries)

    async def resume(
        self, job_id: str, *, timeout: TimeoutTypes = None, max_retries: int | None = None
    ) -> Job:
        """Resume a paused job."""
        return await self._action("resume", job_id, timeout, max_retries)

    def list(
        self,
        *,
        limit: int | None = None,
        metadata: Mapping[str, str] | None = None,
        timeout: TimeoutTypes = None,
    ) -> AsyncPager[Job]:
        """All jobs, newest first: ``async for job in client.jobs.list()``."""
        calls.list_jobs(None, limit, metadata)
        return AsyncPager(
            lambda after: self._page(calls.list_jobs(after, limit, metadata), _job_type(), timeout),
            "jobs.list",
            self._redact,
        )

    def events(
        self, job_id: str, *, limit: int | None = None, timeout: TimeoutTypes = None
    ) -> AsyncPager[JobEvent]:
        """The job's events, newest first."""
        calls.events(job_id, None, limit)
        return AsyncPager(
            lambda after: self._page(calls.events(job_id, after, limit), _event_type(), timeout),
            "jobs.events",
            self._redact,
        )

    def checkpoints(
        self, job_id: str, *, limit: int | None = None, timeout: TimeoutTypes = None
    ) -> AsyncPager[Checkpoint]:
        """The job's checkpoints."""
        calls.checkpoints(job_id, None, limit)
        return AsyncPager(
            lambda after: self._page(calls.checkpoints(job_id, after, limit), _checkpoint_type(), timeout),
            "jobs.checkpoints",
            self._redact,
        )

    async def metrics(self, job_id: str, **options: Unpack[RequestOptions]) -> JobMetrics:
        """The job's training metrics (see :meth:`Jobs.metrics`)."""
        from ._metrics import afetch

        return await afetch(self._engine, job_id, options)

    async def wait(
        self,
        job_id: str,
        *,
        timeout: float | None = None,
        poll_interval: float = DEFAULT_POLL_INTERVAL,
        max_poll_interval: float = MAX_POLL_INTERVAL,
        on_update: OnUpdate | None = None,
        on_event: OnEvent | None = None,
        on_poll: OnUpdate | None = None,
        request_timeout: TimeoutTypes = None,
    ) -> Job:
        """Poll until the job is terminal (see :meth:`Jobs.wait`); cancel the task to stop early."""
        import asyncio

        waiter = Waiter(
            job_id,
            timeout=timeout,
            poll_interval=poll_interval,
            max_poll_interval=max_poll_interval,
            on_update=on_update,
            on_poll=on_poll,
            on_event=on_event,
            redact=self._redact,
        )
        call_timeout(request_timeout)
        while True:
            per_request = _poll_timeout(self._engine.settings, waiter, request_timeout)
            try:
                data, response = await self._send(calls.retrieve(job_id), per_request, None)
            except APIConnectionError as exc:
                if waiter.expired():  # the deadline passed while the server did not answer
                    raise waiter.timed_out() from exc
                raise
            job = _parse(_job_type().from_dict, data, response, self._redact)
            if on_event is not None:
                await self._emit_events(job_id, waiter, on_event, per_request)
            if waiter.observe(job):
                return job
            await asyncio.sleep(waiter.delay(response.headers))

    async def _emit_events(
        self, job_id: str, waiter: Waiter, on_event: OnEvent, timeout: TimeoutTypes
    ) -> None:
        fresh: list[JobEvent] = []
        pages = self.events(job_id, limit=100, timeout=timeout).pages(max_pages=MAX_EVENT_PAGES_PER_POLL)
        try:
            async for page in pages:
                fresh.extend(page.items)
                if waiter.walk_done(page.items):
                    break
        except PaginationError as exc:
            waiter.events_walk_ended(exc)
        for event in waiter.new_events(fresh):
            on_event(event)


class _BaseClient:
    """What Client and AsyncClient share: settings, provider, base URL, a repr without secrets."""

    def __init__(self, options: ClientOptions) -> None:
        self._settings = _settings(options)

    @property
    def provider(self) -> str:
        """The provider preset in use."""
        return self._settings.connection.provider

    @property
    def base_url(self) -> str:
        """The API base URL requests go to."""
        return self._settings.connection.base_url

    def __repr__(self) -> str:
        return f"{type(self).__name__}(provider={self.provider!r}, base_url={self.base_url!r})"


class Client(_BaseClient):
    """Synchronous client. Use as a context manager (or call close()) to release connections.

    ``Client(api_key=...)`` talks to OpenAI; ``Client(provider="portkey", api_key=..., virtual_key=...)``
    to Portkey. One connection pool serves every call.
    """

    __doc__ = (__doc__ or "") + _CLIENT_DOC

    def __init__(self, *, http_client: httpx2.Client | None = None, **options: Unpack[ClientOptions]) -> None:
        super().__init__(options)
        verify = _tls(options.get("verify", True))
        self._engine = SyncEngine(
            self._settings, http_client, lambda: httpx2.Client(verify=verify, follow_redirects=False)
        )
        self.jobs = Jobs(self._engine)

    def close(self) -> None:
        """Close the connection pool (only if this client created it)."""
        self._engine.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class AsyncClient(_BaseClient):
    """Asynchronous client, the twin of :class:`Client`: ``async with AsyncClient(...) as client``."""

    __doc__ = (__doc__ or "") + _CLIENT_DOC

    def __init__(
        self, *, http_client: httpx2.AsyncClient | None = None, **options: Unpack[ClientOptions]
    ) -> None:
        super().__init__(options)
        verify = _tls(options.get("verify", True))
        self._engine = AsyncEngine(
            self._settings,
            http_client,
            lambda: httpx2.AsyncClient(verify=verify, follow_redirects=False, limits=ASYNC_POOL_LIMITS),
        )
        self.jobs = AsyncJobs(self._engine)

    async def close(self) -> None:
        """Close the connection pool (only if this client created it)."""
        await self._engine.close()

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()
