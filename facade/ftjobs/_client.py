"""Client and AsyncClient: the public entry points, and their ``jobs`` resources."""

from __future__ import annotations

import ssl
import time
import warnings
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any, Literal, TypedDict, TypeVar, Unpack, overload

import attrs
import httpx2

from . import _calls as calls
from ._answers import job_reader
from ._config import (
    DeferredTrust,
    call_timeout,
    check_options,
    check_proxy_environment,
    credentials_in,
    headers_setting,
    own_client_error,
    response_cap,
    retry_setting,
    timeout_setting,
    tls_setting,
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
    PaginationError,
)
from ._files import AsyncFiles, Files, local_files
from ._fine_tuning import AsyncFineTuning, FineTuning
from ._http import AsyncEngine, Call, Settings, SyncEngine, TimeoutTypes, attempt_limit
from ._options import (
    OPTION_NAMES,
    PortkeyOptions,
    asend,
    check_client_portkey,
    check_create_names,
    prepare,
    result,
    send,
)
from ._pagination import AsyncPager, SyncPager
from ._providers import resolve_connection
from ._resources import AsyncCheckpoints, AsyncGraders, Checkpoints, Graders
from ._retry import RetryPolicy
from ._secrets import guard
from ._status import JobStatus
from ._wait import MAX_EVENT_PAGES_PER_POLL, OnEvent, OnUpdate, Waiter

if TYPE_CHECKING:  # the typed views load with the first answer (below): `Client()` starts ~18 ms sooner
    from ._job_results import JobResults
    from ._metrics import JobMetrics
    from ._models import AsyncPage, Checkpoint, Item, Job, JobEvent, Page
    from ._options import Exchange, RequestOptions, WaitOptions
    from ._params import CreateParams
    from ._raw import AsyncJobsWithRawResponse, JobsWithRawResponse

T = TypeVar("T")


# The typed views (ftjobs._models: pages; ftjobs_generated.views: a module per class) are imported
# with the first answer to parse, not by `import ftjobs; Client()` (cold start, bench goal 1), and
# only the classes that answer holds (a job's: 5 of the 38 classes for a supervised job).


def _job_type() -> type[Job]:
    from ._models import Job

    return Job


def _event_type() -> type[JobEvent]:
    from ._models import JobEvent

    return JobEvent


def _checkpoint_type() -> type[Checkpoint]:
    from ._models import Checkpoint

    return Checkpoint


@overload
def _read_page(data: Any, item: type[Item], fetch: Any, *, sync: Literal[True]) -> Page[Item]: ...
@overload
def _read_page(data: Any, item: type[Item], fetch: Any, *, sync: Literal[False]) -> AsyncPage[Item]: ...
def _read_page(data: Any, item: type[Item], fetch: Any, *, sync: bool) -> Page[Item] | AsyncPage[Item]:
    """A page of item, that fetches its next page with fetch (its list call, with the same options)."""
    from ._models import AsyncPage, Page, read_page

    page: Page[Item] | AsyncPage[Item] = (
        read_page(data, item, Page) if sync else read_page(data, item, AsyncPage)
    )
    object.__setattr__(page, "_fetch", fetch)  # frozen: set once, here
    return page


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
    portkey: PortkeyOptions | None
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
    extra_headers = {
        **check_client_portkey(options.get("portkey"), connection.provider),
        **headers_setting(options.get("default_headers")),
    }
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


#: The per-call options of ``create`` that are not request fields (``extra_body`` is both).
_CREATE_OPTIONS = OPTION_NAMES - {"extra_body"}


def _create_call(params: CreateParams) -> tuple[Call, dict[str, Any]]:
    """``create``'s call (``extra_body`` merged into the checked body) and its other options."""
    check_create_names(params)
    body: dict[str, Any] = {}
    options: dict[str, Any] = {}
    for key, value in params.items():
        if key in _CREATE_OPTIONS:
            options[key] = value
        elif key != "extra_body":
            body[key] = value
    extra = params.get("extra_body")
    if extra is not None and not isinstance(extra, Mapping):
        from ._errors import InvalidArgumentError

        raise InvalidArgumentError(
            f"extra_body must be a mapping (a JSON object), got {type(extra).__name__}"
        )
    return calls.create({**body, **(extra or {})}), options


def _follow_up(options: Mapping[str, Any]) -> dict[str, Any]:
    """The options of the retrieve that checks a refused retried action: no retries, no body."""
    return {k: v for k, v in options.items() if k not in ("max_retries", "extra_body")}


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


def _transport(verify: bool | str | ssl.SSLContext, http_client: object) -> bool | ssl.SSLContext:
    """The ``verify`` of the HTTP client ftjobs builds, and the environment that client will read
    (proxies, CA certificates), checked now; with the user's own ``http_client`` (built with its own
    settings, environment included), only ``verify`` itself."""
    own = http_client is None
    if own:
        check_proxy_environment()
    return tls_setting(verify, environment=own)


HttpClient = TypeVar("HttpClient", httpx2.Client, httpx2.AsyncClient)


def _own(cls: Callable[..., HttpClient], verify: bool | ssl.SSLContext, **kwargs: Any) -> HttpClient:
    """ftjobs' own HTTP client, built at the first call (with ``verify=True``, its trust store at
    the first https request: DeferredTrust); ConfigurationError if the environment defeats the
    checks made at construction."""
    try:
        if verify is True:
            return DeferredTrust().build(cls, **kwargs)  # type: ignore[no-any-return]
        return cls(verify=verify, **kwargs)
    except Exception as exc:  # whatever httpx2 raises for the environment: a setting, not the call
        raise own_client_error(exc) from None


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
    too), and so is what the HTTP client will take from the environment (``HTTP_PROXY``,
    ``HTTPS_PROXY``, ``ALL_PROXY``, ``NO_PROXY``; ``SSL_CERT_FILE``/``SSL_CERT_DIR`` with
    ``verify=True``) unless ``http_client`` is given: a bad one raises ConfigurationError naming
    the option or the variable, before any request.
"""


class Jobs:
    """Fine-tuning jobs: ``client.jobs``. Every method also takes the per-call options
    (:class:`ftjobs.RequestOptions`: ``extra_headers``, ``extra_query``, ``extra_body``, ``timeout``,
    ``max_retries``, ``portkey``)."""

    def __init__(self, engine: SyncEngine) -> None:
        self._engine = engine
        self._redact = engine.settings.redact

    @property
    def with_raw_response(self) -> JobsWithRawResponse:
        """The same methods, returning the :class:`ftjobs.RawResponse` (status, headers, request id;
        ``parse()`` gives the typed result): ``client.jobs.with_raw_response.retrieve(job_id)``."""
        from ._raw import JobsWithRawResponse

        return JobsWithRawResponse(self)

    def _job(self, call: Call, options: Mapping[str, Any], read: Callable[[Any], Job] | None = None) -> Job:
        data, reply, redact = send(self._engine, call, options)
        return result(read or _job_type().from_dict, data, reply, redact)

    def retrieve(self, job_id: str, **options: Unpack[RequestOptions]) -> Job:
        """The job with this id. Raises NotFoundError for an unknown id, InvalidJobIdError for a bad one."""
        return self._job(calls.retrieve(job_id), options)

    def results(self, job_id: str, **options: Unpack[RequestOptions]) -> JobResults:
        """The job's result files, downloaded and decoded (plain or base64 CSV) into typed rows;
        no rows (and no file ids) for a job that has none yet (see ``ftjobs._job_results``)."""
        from ._job_results import read

        job = self.retrieve(job_id, **options)
        files = Files(self._engine)
        return read(job.id, [(file_id, files.content(file_id, **options)) for file_id in job.result_files])

    def _action_exchange(self, name: str, job_id: str, options: Mapping[str, Any]) -> Exchange:
        try:
            return send(self._engine, calls.action(name, job_id), options)
        except APIStatusError as exc:
            if not lost_answer(exc):
                raise
            exchange = send(self._engine, calls.retrieve(job_id), _follow_up(options))
            if not reached(name, result(_job_type().from_dict, *exchange)):
                raise
            return exchange

    def _action(self, name: str, job_id: str, options: Mapping[str, Any]) -> Job:
        return result(job_reader(job_id), *self._action_exchange(name, job_id, options))

    def create(self, **params: Unpack[CreateParams]) -> Job:
        """Start a job: ``create(model=..., training_file=..., method=..., validation_file=...,
        suffix=..., seed=..., metadata=..., integrations=..., hyperparameters=..., extra_body=...)``
        and the per-call options.

        ``method`` is a :class:`ftjobs.MethodParam` dict (``{"type": "supervised"|"dpo"|
        "reinforcement", ...}``), ``integrations`` a list of :class:`ftjobs.IntegrationParam`; every
        key is checked by type checkers (see ``ftjobs._params``). Retried only when the server
        certainly did not act (see README).

        ``training_file``/``validation_file`` given as a ``pathlib.Path`` (a local JSONL file; a str
        is a file id): the file is checked by :func:`ftjobs.validate_file` for the job's method and
        model (:class:`ftjobs.TrainingFileError` with the report when it has errors, before anything
        is sent), uploaded (``client.files.create``), waited for until processed, and its id sent.
        """
        if local_files(params):  # a Path: validate, upload, wait until processed, send its id
            params = Files(self._engine).upload_local(params)  # type: ignore[assignment]
        call, options = _create_call(params)
        return self._job(call, options, job_reader(request=call.json_body))

    def cancel(self, job_id: str, **options: Unpack[RequestOptions]) -> Job:
        """Cancel a job that has not finished."""
        return self._action("cancel", job_id, options)

    def pause(self, job_id: str, **options: Unpack[RequestOptions]) -> Job:
        """Pause a running job (status becomes ``paused``)."""
        return self._action("pause", job_id, options)

    def resume(self, job_id: str, **options: Unpack[RequestOptions]) -> Job:
        """Resume a paused job."""
        return self._action("resume", job_id, options)

    def _lister(
        self, item: type[Item], make: Callable[[str | None], Call], options: Mapping[str, Any]
    ) -> tuple[Callable[[str | None], Page[Item]], Callable[[Any], Page[Item]]]:
        """The page fetcher of a list (each page knows how to fetch its next) and its parser."""

        def parse(data: Any) -> Page[Item]:
            return _read_page(data, item, fetch, sync=True)

        def fetch(after: str | None) -> Page[Item]:
            data, reply, redact = send(self._engine, make(after), options)
            return result(parse, data, reply, redact)

        return fetch, parse

    def _pager(
        self,
        what: str,
        item: type[Item],
        make: Callable[[str | None], Call],
        after: str | None,
        options: Mapping[str, Any],
    ) -> SyncPager[Item]:
        prepare(make(after), options, self._engine.settings)  # every argument checked now
        fetch, _ = self._lister(item, make, options)
        return SyncPager(fetch, what, self._redact, after=after)

    def list(
        self,
        *,
        after: str | None = None,
        limit: int | None = None,
        metadata: Mapping[str, str] | None = None,
        **options: Unpack[RequestOptions],
    ) -> SyncPager[Job]:
        """All jobs, newest first, fetched lazily ``limit`` per page (from the cursor ``after``, the
        id of the last job already seen); ``metadata`` filters by key/value."""
        return self._pager(
            "jobs.list", _job_type(), lambda c: calls.list_jobs(c, limit, metadata), after, options
        )

    def events(
        self,
        job_id: str,
        *,
        after: str | None = None,
        limit: int | None = None,
        **options: Unpack[RequestOptions],
    ) -> SyncPager[JobEvent]:
        """The job's events, newest first, fetched lazily."""
        return self._pager(
            "jobs.events", _event_type(), lambda c: calls.events(job_id, c, limit), after, options
        )

    def checkpoints(
        self,
        job_id: str,
        *,
        after: str | None = None,
        limit: int | None = None,
        **options: Unpack[RequestOptions],
    ) -> SyncPager[Checkpoint]:
        """The job's checkpoints, fetched lazily."""
        return self._pager(
            "jobs.checkpoints",
            _checkpoint_type(),
            lambda c: calls.checkpoints(job_id, c, limit),
            after,
            options,
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
        **options: Unpack[WaitOptions],
    ) -> Job:
        """Poll until the job is terminal and return it.

        The interval starts at ``poll_interval`` and grows by half each poll up to
        ``max_poll_interval`` (a ``poll_interval`` above it is kept: the maximum never shortens it); a
        ``Retry-After``/``retry-after-ms`` header on the job response is honoured instead, capped at
        that maximum. ``on_update(job)`` is called on the first poll and every status change;
        ``on_event(event)`` for each new event, oldest first; ``on_poll(job)`` after every poll (for
        progress displays). ``timeout`` (seconds, None = no limit) raises WaitTimeoutError carrying
        the last job seen; no sleep goes past it. The deadline is checked before every
        request (each poll, each page of events: at most 100 pages per poll), and each request gets
        at most the time left (at least 1 s): a server that drips, cycles or never stops paging
        cannot hold the wait much past ``timeout``. ``request_timeout`` is each request's own limit;
        the other per-call options apply to every request of the wait.
        """
        return self._wait(
            job_id,
            timeout=timeout,
            poll_interval=poll_interval,
            max_poll_interval=max_poll_interval,
            on_update=on_update,
            on_event=on_event,
            on_poll=on_poll,
            request_timeout=request_timeout,
            options=options,
        )[0]

    def _wait(
        self,
        job_id: str,
        *,
        timeout: float | None,
        poll_interval: float,
        max_poll_interval: float,
        on_update: OnUpdate | None,
        on_event: OnEvent | None,
        on_poll: OnUpdate | None,
        request_timeout: TimeoutTypes,
        options: Mapping[str, Any],
    ) -> tuple[Job, Exchange]:
        """The wait loop: the terminal job and the exchange of the poll that saw it."""
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
        request_timeout = call_timeout(request_timeout)
        prepare(calls.retrieve(job_id), options, self._engine.settings)
        while True:
            per_request = _poll_timeout(self._engine.settings, waiter, request_timeout)
            each = {**options, "timeout": per_request}
            try:
                exchange = send(self._engine, calls.retrieve(job_id), each)
            except APIConnectionError as exc:
                if waiter.expired():  # the deadline passed while the server did not answer
                    raise waiter.timed_out() from exc
                raise
            job = result(_job_type().from_dict, *exchange)
            if on_event is not None:
                self._emit_events(job_id, waiter, on_event, each)
            if waiter.observe(job):
                return job, exchange
            time.sleep(waiter.delay(exchange[1].headers))

    def _emit_events(
        self, job_id: str, waiter: Waiter, on_event: OnEvent, options: Mapping[str, Any]
    ) -> None:
        fresh: list[JobEvent] = []
        make: Callable[[str | None], Call] = lambda c: calls.events(job_id, c, 100)  # noqa: E731
        pages = self._pager("jobs.events", _event_type(), make, None, options).pages(
            max_pages=MAX_EVENT_PAGES_PER_POLL
        )
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

    @property
    def with_raw_response(self) -> AsyncJobsWithRawResponse:
        """The same methods, returning :class:`ftjobs.RawResponse` (see :attr:`Jobs.with_raw_response`)."""
        from ._raw import AsyncJobsWithRawResponse

        return AsyncJobsWithRawResponse(self)

    async def _job(
        self, call: Call, options: Mapping[str, Any], read: Callable[[Any], Job] | None = None
    ) -> Job:
        data, reply, redact = await asend(self._engine, call, options)
        return result(read or _job_type().from_dict, data, reply, redact)

    async def retrieve(self, job_id: str, **options: Unpack[RequestOptions]) -> Job:
        """The job with this id (see :meth:`Jobs.retrieve`)."""
        return await self._job(calls.retrieve(job_id), options)

    async def results(self, job_id: str, **options: Unpack[RequestOptions]) -> JobResults:
        """The job's result files as typed rows (see :meth:`Jobs.results`)."""
        from ._job_results import read

        job = await self.retrieve(job_id, **options)
        files = AsyncFiles(self._engine)
        return read(job.id, [(fid, await files.content(fid, **options)) for fid in job.result_files])

    async def _action_exchange(self, name: str, job_id: str, options: Mapping[str, Any]) -> Exchange:
        try:
            return await asend(self._engine, calls.action(name, job_id), options)
        except APIStatusError as exc:
            if not lost_answer(exc):
                raise
            exchange = await asend(self._engine, calls.retrieve(job_id), _follow_up(options))
            if not reached(name, result(_job_type().from_dict, *exchange)):
                raise
            return exchange

    async def _action(self, name: str, job_id: str, options: Mapping[str, Any]) -> Job:
        return result(job_reader(job_id), *await self._action_exchange(name, job_id, options))

    async def create(self, **params: Unpack[CreateParams]) -> Job:
        """Start a job (see :meth:`Jobs.create`)."""
        if local_files(params):
            params = await AsyncFiles(self._engine).upload_local(params)  # type: ignore[assignment]
        call, options = _create_call(params)
        return await self._job(call, options, job_reader(request=call.json_body))

    async def cancel(self, job_id: str, **options: Unpack[RequestOptions]) -> Job:
        """Cancel a job that has not finished."""
        return await self._action("cancel", job_id, options)

    async def pause(self, job_id: str, **options: Unpack[RequestOptions]) -> Job:
        """Pause a running job."""
        return await self._action("pause", job_id, options)

    async def resume(self, job_id: str, **options: Unpack[RequestOptions]) -> Job:
        """Resume a paused job."""
        return await self._action("resume", job_id, options)

    def _lister(
        self, item: type[Item], make: Callable[[str | None], Call], options: Mapping[str, Any]
    ) -> tuple[Callable[[str | None], Awaitable[AsyncPage[Item]]], Callable[[Any], AsyncPage[Item]]]:
        """The page fetcher of a list (each page knows how to fetch its next) and its parser."""

        def parse(data: Any) -> AsyncPage[Item]:
            return _read_page(data, item, fetch, sync=False)

        async def fetch(after: str | None) -> AsyncPage[Item]:
            data, reply, redact = await asend(self._engine, make(after), options)
            return result(parse, data, reply, redact)

        return fetch, parse

    def _pager(
        self,
        what: str,
        item: type[Item],
        make: Callable[[str | None], Call],
        after: str | None,
        options: Mapping[str, Any],
    ) -> AsyncPager[Item]:
        prepare(make(after), options, self._engine.settings)  # every argument checked now
        fetch, _ = self._lister(item, make, options)
        return AsyncPager(fetch, what, self._redact, after=after)

    def list(
        self,
        *,
        after: str | None = None,
        limit: int | None = None,
        metadata: Mapping[str, str] | None = None,
        **options: Unpack[RequestOptions],
    ) -> AsyncPager[Job]:
        """All jobs, newest first: ``async for job in client.jobs.list()``."""
        return self._pager(
            "jobs.list", _job_type(), lambda c: calls.list_jobs(c, limit, metadata), after, options
        )

    def events(
        self,
        job_id: str,
        *,
        after: str | None = None,
        limit: int | None = None,
        **options: Unpack[RequestOptions],
    ) -> AsyncPager[JobEvent]:
        """The job's events, newest first."""
        return self._pager(
            "jobs.events", _event_type(), lambda c: calls.events(job_id, c, limit), after, options
        )

    def checkpoints(
        self,
        job_id: str,
        *,
        after: str | None = None,
        limit: int | None = None,
        **options: Unpack[RequestOptions],
    ) -> AsyncPager[Checkpoint]:
        """The job's checkpoints."""
        return self._pager(
            "jobs.checkpoints",
            _checkpoint_type(),
            lambda c: calls.checkpoints(job_id, c, limit),
            after,
            options,
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
        **options: Unpack[WaitOptions],
    ) -> Job:
        """Poll until the job is terminal (see :meth:`Jobs.wait`); cancel the task to stop early."""
        return (
            await self._wait(
                job_id,
                timeout=timeout,
                poll_interval=poll_interval,
                max_poll_interval=max_poll_interval,
                on_update=on_update,
                on_event=on_event,
                on_poll=on_poll,
                request_timeout=request_timeout,
                options=options,
            )
        )[0]

    async def _wait(
        self,
        job_id: str,
        *,
        timeout: float | None,
        poll_interval: float,
        max_poll_interval: float,
        on_update: OnUpdate | None,
        on_event: OnEvent | None,
        on_poll: OnUpdate | None,
        request_timeout: TimeoutTypes,
        options: Mapping[str, Any],
    ) -> tuple[Job, Exchange]:
        """The wait loop (see :meth:`Jobs._wait`)."""
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
        request_timeout = call_timeout(request_timeout)
        prepare(calls.retrieve(job_id), options, self._engine.settings)
        while True:
            per_request = _poll_timeout(self._engine.settings, waiter, request_timeout)
            each = {**options, "timeout": per_request}
            try:
                exchange = await asend(self._engine, calls.retrieve(job_id), each)
            except APIConnectionError as exc:
                if waiter.expired():  # the deadline passed while the server did not answer
                    raise waiter.timed_out() from exc
                raise
            job = result(_job_type().from_dict, *exchange)
            if on_event is not None:
                await self._emit_events(job_id, waiter, on_event, each)
            if waiter.observe(job):
                return job, exchange
            await asyncio.sleep(waiter.delay(exchange[1].headers))

    async def _emit_events(
        self, job_id: str, waiter: Waiter, on_event: OnEvent, options: Mapping[str, Any]
    ) -> None:
        fresh: list[JobEvent] = []
        make: Callable[[str | None], Call] = lambda c: calls.events(job_id, c, 100)  # noqa: E731
        pages = self._pager("jobs.events", _event_type(), make, None, options).pages(
            max_pages=MAX_EVENT_PAGES_PER_POLL
        )
        try:
            async for page in pages:
                fresh.extend(page.items)
                if waiter.walk_done(page.items):
                    break
        except PaginationError as exc:
            waiter.events_walk_ended(exc)
        for event in waiter.new_events(fresh):
            on_event(event)


class _Given:
    """The options a client was built with, kept for ``with_options``; never shown (keys in them)."""

    __slots__ = ("value",)

    def __init__(self, value: ClientOptions) -> None:
        self.value = value

    def __repr__(self) -> str:
        return "<client options: not shown>"


class _BaseClient:
    """What Client and AsyncClient share: settings, provider, base URL, a repr without secrets."""

    def __init__(self, options: ClientOptions) -> None:
        self._settings = _settings(options)
        self._options = _Given(options)

    def _copy_options(self, options: ClientOptions) -> ClientOptions:
        """This client's options with options replacing some (``with_options``)."""
        check_options(options, ClientOptions.__optional_keys__ | ClientOptions.__required_keys__)
        if "verify" in options:
            raise ConfigurationError(
                "verify cannot change in with_options(): the copy shares this client's connection pool"
                " and its TLS settings; build a new client instead"
            )
        merged: dict[str, Any] = {**self._options.value, **options}
        if "max_retries" in options and "retry" not in options:
            merged.pop("retry", None)  # the new count replaces the whole policy
        elif "retry" in options and "max_retries" not in options:
            merged.pop("max_retries", None)
        return merged  # type: ignore[return-value]

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
        verify = _transport(options.get("verify", True), http_client)
        self._engine = SyncEngine(
            self._settings, http_client, lambda: _own(httpx2.Client, verify=verify, follow_redirects=False)
        )
        self.jobs = Jobs(self._engine)
        self.checkpoints = Checkpoints(self._engine)  # checkpoints.permissions
        self.graders = Graders(self._engine)
        self.files = Files(self._engine)  # the files a job trains on, and its result files
        #: The same resources under the openai SDK's names (``client.fine_tuning.jobs.retrieve(...)``).
        self.fine_tuning = FineTuning(self.jobs, self.checkpoints, self.graders)

    def with_options(self, **options: Unpack[ClientOptions]) -> Client:
        """A copy of this client with some options changed (``timeout``, ``max_retries``,
        ``default_headers``, ``portkey``, ``api_key``...; the others as given to this client), that
        shares this client's connection pool: ``client.with_options(timeout=5).jobs.retrieve(...)``.

        The pool stays this client's: closing the copy does not close it, and closing this client
        closes it for every copy (their calls then raise APIConnectionError). ``verify`` cannot
        change (it belongs to the pool). Options are checked as by ``Client()`` (ConfigurationError).
        """
        copy = Client(http_client=self._engine.http, **self._copy_options(options))
        copy._engine.share(self._engine)
        return copy

    def close(self) -> None:
        """Close the connection pool (only if this client created it; a ``with_options`` copy never
        closes the pool it shares)."""
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
        verify = _transport(options.get("verify", True), http_client)
        self._engine = AsyncEngine(
            self._settings,
            http_client,
            lambda: _own(httpx2.AsyncClient, verify=verify, follow_redirects=False, limits=ASYNC_POOL_LIMITS),
        )
        self.jobs = AsyncJobs(self._engine)
        self.checkpoints = AsyncCheckpoints(self._engine)
        self.graders = AsyncGraders(self._engine)
        self.files = AsyncFiles(self._engine)
        #: The same resources under the openai SDK's names (``await client.fine_tuning.jobs.retrieve(...)``).
        self.fine_tuning = AsyncFineTuning(self.jobs, self.checkpoints, self.graders)

    def with_options(self, **options: Unpack[ClientOptions]) -> AsyncClient:
        """A copy of this client with some options changed, sharing its connection pool (see
        :meth:`Client.with_options`: the pool stays this client's)."""
        copy = AsyncClient(http_client=self._engine.http, **self._copy_options(options))
        copy._engine.share(self._engine)
        return copy

    async def close(self) -> None:
        """Close the connection pool (only if this client created it; a ``with_options`` copy never
        closes the pool it shares)."""
        await self._engine.close()

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()
