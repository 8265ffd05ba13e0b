"""``client.jobs.with_raw_response``: each method of ``jobs``, returning the response as received.

``client.jobs.with_raw_response.retrieve(job_id)`` sends the same request as ``client.jobs.retrieve``
(same per-call options, retries and checks) and returns a :class:`~ftjobs.RawResponse`:
``status_code``, ``headers``, ``request_id`` and ``parse()`` (the typed result, parsed on demand).
A list method returns one page (``after=`` picks which); ``wait`` returns its last poll's response.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Unpack

from . import _calls as calls
from ._constants import DEFAULT_POLL_INTERVAL, MAX_POLL_INTERVAL
from ._options import RawResponse, RequestOptions, WaitOptions, asend, send

if TYPE_CHECKING:
    from ._client import AsyncJobs, Jobs
    from ._http import TimeoutTypes
    from ._models import AsyncPage, Checkpoint, Job, JobEvent, Page
    from ._options import Exchange
    from ._params import CreateParams
    from ._wait import OnEvent, OnUpdate


def _job_parser() -> type[Job]:
    from ._models import Job

    return Job


def _job_raw(exchange: Exchange) -> RawResponse[Job]:
    data, reply, redact = exchange
    return RawResponse(data, reply, _job_parser().from_dict, redact)


class JobsWithRawResponse:
    """``client.jobs.with_raw_response``: the methods of :class:`ftjobs.Client.jobs`, raw."""

    def __init__(self, jobs: Jobs) -> None:
        self._jobs = jobs

    def retrieve(self, job_id: str, **options: Unpack[RequestOptions]) -> RawResponse[Job]:
        """The raw response of ``jobs.retrieve``."""
        data, reply, redact = send(self._jobs._engine, calls.retrieve(job_id), options)
        return RawResponse(data, reply, _job_parser().from_dict, redact)

    def create(self, **params: Unpack[CreateParams]) -> RawResponse[Job]:
        """The raw response of ``jobs.create``."""
        from ._client import _create_call

        call, options = _create_call(params)
        data, reply, redact = send(self._jobs._engine, call, options)
        return RawResponse(data, reply, _job_parser().from_dict, redact)

    def cancel(self, job_id: str, **options: Unpack[RequestOptions]) -> RawResponse[Job]:
        """The raw response of ``jobs.cancel``."""
        return _job_raw(self._jobs._action_exchange("cancel", job_id, options))

    def pause(self, job_id: str, **options: Unpack[RequestOptions]) -> RawResponse[Job]:
        """The raw response of ``jobs.pause``."""
        return _job_raw(self._jobs._action_exchange("pause", job_id, options))

    def resume(self, job_id: str, **options: Unpack[RequestOptions]) -> RawResponse[Job]:
        """The raw response of ``jobs.resume``."""
        return _job_raw(self._jobs._action_exchange("resume", job_id, options))

    def list(
        self,
        *,
        after: str | None = None,
        limit: int | None = None,
        metadata: Mapping[str, str] | None = None,
        **options: Unpack[RequestOptions],
    ) -> RawResponse[Page[Job]]:
        """One page of ``jobs.list`` (the first, or the one after ``after``), raw."""
        from ._models import Job

        _, parse = self._jobs._lister(Job, lambda c: calls.list_jobs(c, limit, metadata), options)
        data, reply, redact = send(self._jobs._engine, calls.list_jobs(after, limit, metadata), options)
        return RawResponse(data, reply, parse, redact)

    def events(
        self,
        job_id: str,
        *,
        after: str | None = None,
        limit: int | None = None,
        **options: Unpack[RequestOptions],
    ) -> RawResponse[Page[JobEvent]]:
        """One page of ``jobs.events``, raw."""
        from ._models import JobEvent

        _, parse = self._jobs._lister(JobEvent, lambda c: calls.events(job_id, c, limit), options)
        data, reply, redact = send(self._jobs._engine, calls.events(job_id, after, limit), options)
        return RawResponse(data, reply, parse, redact)

    def checkpoints(
        self,
        job_id: str,
        *,
        after: str | None = None,
        limit: int | None = None,
        **options: Unpack[RequestOptions],
    ) -> RawResponse[Page[Checkpoint]]:
        """One page of ``jobs.checkpoints``, raw."""
        from ._models import Checkpoint

        _, parse = self._jobs._lister(Checkpoint, lambda c: calls.checkpoints(job_id, c, limit), options)
        data, reply, redact = send(self._jobs._engine, calls.checkpoints(job_id, after, limit), options)
        return RawResponse(data, reply, parse, redact)

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
    ) -> RawResponse[Job]:
        """``jobs.wait``, returning the raw response of its last poll (the terminal job)."""
        _, exchange = self._jobs._wait(
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
        return _job_raw(exchange)


class AsyncJobsWithRawResponse:
    """``AsyncClient.jobs.with_raw_response``: the methods of ``AsyncClient.jobs``, raw."""

    def __init__(self, jobs: AsyncJobs) -> None:
        self._jobs = jobs

    async def retrieve(self, job_id: str, **options: Unpack[RequestOptions]) -> RawResponse[Job]:
        """The raw response of ``jobs.retrieve``."""
        data, reply, redact = await asend(self._jobs._engine, calls.retrieve(job_id), options)
        return RawResponse(data, reply, _job_parser().from_dict, redact)

    async def create(self, **params: Unpack[CreateParams]) -> RawResponse[Job]:
        """The raw response of ``jobs.create``."""
        from ._client import _create_call

        call, options = _create_call(params)
        data, reply, redact = await asend(self._jobs._engine, call, options)
        return RawResponse(data, reply, _job_parser().from_dict, redact)

    async def cancel(self, job_id: str, **options: Unpack[RequestOptions]) -> RawResponse[Job]:
        """The raw response of ``jobs.cancel``."""
        return _job_raw(await self._jobs._action_exchange("cancel", job_id, options))

    async def pause(self, job_id: str, **options: Unpack[RequestOptions]) -> RawResponse[Job]:
        """The raw response of ``jobs.pause``."""
        return _job_raw(await self._jobs._action_exchange("pause", job_id, options))

    async def resume(self, job_id: str, **options: Unpack[RequestOptions]) -> RawResponse[Job]:
        """The raw response of ``jobs.resume``."""
        return _job_raw(await self._jobs._action_exchange("resume", job_id, options))

    async def list(
        self,
        *,
        after: str | None = None,
        limit: int | None = None,
        metadata: Mapping[str, str] | None = None,
        **options: Unpack[RequestOptions],
    ) -> RawResponse[AsyncPage[Job]]:
        """One page of ``jobs.list``, raw."""
        from ._models import Job

        _, parse = self._jobs._lister(Job, lambda c: calls.list_jobs(c, limit, metadata), options)
        data, reply, redact = await asend(
            self._jobs._engine, calls.list_jobs(after, limit, metadata), options
        )
        return RawResponse(data, reply, parse, redact)

    async def events(
        self,
        job_id: str,
        *,
        after: str | None = None,
        limit: int | None = None,
        **options: Unpack[RequestOptions],
    ) -> RawResponse[AsyncPage[JobEvent]]:
        """One page of ``jobs.events``, raw."""
        from ._models import JobEvent

        _, parse = self._jobs._lister(JobEvent, lambda c: calls.events(job_id, c, limit), options)
        data, reply, redact = await asend(self._jobs._engine, calls.events(job_id, after, limit), options)
        return RawResponse(data, reply, parse, redact)

    async def checkpoints(
        self,
        job_id: str,
        *,
        after: str | None = None,
        limit: int | None = None,
        **options: Unpack[RequestOptions],
    ) -> RawResponse[AsyncPage[Checkpoint]]:
        """One page of ``jobs.checkpoints``, raw."""
        from ._models import Checkpoint

        _, parse = self._jobs._lister(Checkpoint, lambda c: calls.checkpoints(job_id, c, limit), options)
        data, reply, redact = await asend(
            self._jobs._engine, calls.checkpoints(job_id, after, limit), options
        )
        return RawResponse(data, reply, parse, redact)

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
    ) -> RawResponse[Job]:
        """``jobs.wait``, returning the raw response of its last poll (the terminal job)."""
        _, exchange = await self._jobs._wait(
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
        return _job_raw(exchange)
