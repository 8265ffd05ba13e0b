"""``client.fine_tuning``: the same resources under the openai SDK's names, for code ported from it.

``client.fine_tuning.jobs`` is ``client.jobs`` with the SDK's method names and keyword arguments where
they differ (``fine_tuning_job_id``, ``list_events``, ``checkpoints.list``);
``client.fine_tuning.checkpoints.permissions`` is ``client.checkpoints.permissions`` and
``client.fine_tuning.alpha.graders`` is ``client.graders`` (their signatures are the SDK's already).
Every call goes to the same methods: same requests, same results (ftjobs types: ``Job`` with datetimes,
lazy pagers; README "Coming from the openai SDK" lists what differs). Sync and async.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Unpack

if TYPE_CHECKING:
    from ._client import AsyncJobs, Jobs
    from ._models import Checkpoint, Job, JobEvent
    from ._options import RequestOptions
    from ._pagination import AsyncPager, SyncPager
    from ._params import CreateParams
    from ._raw import AsyncJobsWithRawResponse, JobsWithRawResponse
    from ._resources import AsyncCheckpoints, AsyncGraders, Checkpoints, Graders


class JobCheckpoints:
    """``client.fine_tuning.jobs.checkpoints``: ``list(fine_tuning_job_id)``."""

    def __init__(self, jobs: Jobs) -> None:
        self._jobs = jobs

    def list(
        self,
        fine_tuning_job_id: str,
        *,
        after: str | None = None,
        limit: int | None = None,
        **options: Unpack[RequestOptions],
    ) -> SyncPager[Checkpoint]:
        """``client.jobs.checkpoints(fine_tuning_job_id, ...)``."""
        return self._jobs.checkpoints(fine_tuning_job_id, after=after, limit=limit, **options)


class FineTuningJobs:
    """``client.fine_tuning.jobs``: ``client.jobs`` under the SDK's names."""

    def __init__(self, jobs: Jobs) -> None:
        self._jobs = jobs
        self.checkpoints = JobCheckpoints(jobs)

    @property
    def with_raw_response(self) -> JobsWithRawResponse:
        """``client.jobs.with_raw_response``."""
        return self._jobs.with_raw_response

    def create(self, **params: Unpack[CreateParams]) -> Job:
        return self._jobs.create(**params)

    def retrieve(self, fine_tuning_job_id: str, **options: Unpack[RequestOptions]) -> Job:
        return self._jobs.retrieve(fine_tuning_job_id, **options)

    def list(
        self,
        *,
        after: str | None = None,
        limit: int | None = None,
        metadata: Mapping[str, str] | None = None,
        **options: Unpack[RequestOptions],
    ) -> SyncPager[Job]:
        return self._jobs.list(after=after, limit=limit, metadata=metadata, **options)

    def cancel(self, fine_tuning_job_id: str, **options: Unpack[RequestOptions]) -> Job:
        return self._jobs.cancel(fine_tuning_job_id, **options)

    def pause(self, fine_tuning_job_id: str, **options: Unpack[RequestOptions]) -> Job:
        return self._jobs.pause(fine_tuning_job_id, **options)

    def resume(self, fine_tuning_job_id: str, **options: Unpack[RequestOptions]) -> Job:
        return self._jobs.resume(fine_tuning_job_id, **options)

    def list_events(
        self,
        fine_tuning_job_id: str,
        *,
        after: str | None = None,
        limit: int | None = None,
        **options: Unpack[RequestOptions],
    ) -> SyncPager[JobEvent]:
        """``client.jobs.events(fine_tuning_job_id, ...)``."""
        return self._jobs.events(fine_tuning_job_id, after=after, limit=limit, **options)


class Alpha:
    """``client.fine_tuning.alpha``: ``graders`` is ``client.graders``."""

    def __init__(self, graders: Graders) -> None:
        self.graders = graders


class FineTuning:
    """``client.fine_tuning``: ``jobs``, ``checkpoints`` (``.permissions``) and ``alpha`` (``.graders``)."""

    def __init__(self, jobs: Jobs, checkpoints: Checkpoints, graders: Graders) -> None:
        self.jobs = FineTuningJobs(jobs)
        self.checkpoints = checkpoints
        self.alpha = Alpha(graders)


# --- async ---------------------------------------------------------------------------------------


class AsyncJobCheckpoints:
    """``client.fine_tuning.jobs.checkpoints`` of an AsyncClient."""

    def __init__(self, jobs: AsyncJobs) -> None:
        self._jobs = jobs

    def list(
        self,
        fine_tuning_job_id: str,
        *,
        after: str | None = None,
        limit: int | None = None,
        **options: Unpack[RequestOptions],
    ) -> AsyncPager[Checkpoint]:
        """``client.jobs.checkpoints(fine_tuning_job_id, ...)`` (``await`` it for the first page)."""
        return self._jobs.checkpoints(fine_tuning_job_id, after=after, limit=limit, **options)


class AsyncFineTuningJobs:
    """``client.fine_tuning.jobs`` of an AsyncClient: ``client.jobs`` under the SDK's names."""

    def __init__(self, jobs: AsyncJobs) -> None:
        self._jobs = jobs
        self.checkpoints = AsyncJobCheckpoints(jobs)

    @property
    def with_raw_response(self) -> AsyncJobsWithRawResponse:
        """``client.jobs.with_raw_response``."""
        return self._jobs.with_raw_response

    async def create(self, **params: Unpack[CreateParams]) -> Job:
        return await self._jobs.create(**params)

    async def retrieve(self, fine_tuning_job_id: str, **options: Unpack[RequestOptions]) -> Job:
        return await self._jobs.retrieve(fine_tuning_job_id, **options)

    def list(
        self,
        *,
        after: str | None = None,
        limit: int | None = None,
        metadata: Mapping[str, str] | None = None,
        **options: Unpack[RequestOptions],
    ) -> AsyncPager[Job]:
        """``async for job in ...``, or ``await`` it for the first page, as with the SDK."""
        return self._jobs.list(after=after, limit=limit, metadata=metadata, **options)

    async def cancel(self, fine_tuning_job_id: str, **options: Unpack[RequestOptions]) -> Job:
        return await self._jobs.cancel(fine_tuning_job_id, **options)

    async def pause(self, fine_tuning_job_id: str, **options: Unpack[RequestOptions]) -> Job:
        return await self._jobs.pause(fine_tuning_job_id, **options)

    async def resume(self, fine_tuning_job_id: str, **options: Unpack[RequestOptions]) -> Job:
        return await self._jobs.resume(fine_tuning_job_id, **options)

    def list_events(
        self,
        fine_tuning_job_id: str,
        *,
        after: str | None = None,
        limit: int | None = None,
        **options: Unpack[RequestOptions],
    ) -> AsyncPager[JobEvent]:
        """``client.jobs.events(fine_tuning_job_id, ...)``."""
        return self._jobs.events(fine_tuning_job_id, after=after, limit=limit, **options)


class AsyncAlpha:
    """``client.fine_tuning.alpha`` of an AsyncClient: ``graders`` is ``client.graders``."""

    def __init__(self, graders: AsyncGraders) -> None:
        self.graders = graders


class AsyncFineTuning:
    """``client.fine_tuning`` of an AsyncClient."""

    def __init__(self, jobs: AsyncJobs, checkpoints: AsyncCheckpoints, graders: AsyncGraders) -> None:
        self.jobs = AsyncFineTuningJobs(jobs)
        self.checkpoints = checkpoints
        self.alpha = AsyncAlpha(graders)
