"""The rest of the fine-tuning namespace: ``client.checkpoints.permissions`` and ``client.graders``.

Names follow the official SDK (``client.fine_tuning.checkpoints.permissions``,
``client.fine_tuning.alpha.graders``); conventions follow ``client.jobs``: typed results
(``ftjobs_generated.views``), lists as pages, every method taking the per-call options
(:class:`ftjobs.RequestOptions`), the async twins awaiting the same.

===========================================  ==================================================
``permissions.create(ckpt, project_ids=)``   ``Page[CheckpointPermission]`` (the new ones)
``permissions.retrieve(ckpt, after=, limit=,  ``Page[CheckpointPermission]``: one page (one
order=, project_id=)``                        request); ``page.next_page()`` fetches the next
``permissions.list(ckpt, ...)``              the same arguments, every page lazily (a pager)
``permissions.delete(permission_id,           ``PermissionDeleted``
fine_tuned_model_checkpoint=)``
``graders.run(grader=, model_sample=,         ``GraderRunResult`` (``reward``, ``metadata``)
item=)``
``graders.validate(grader=)``                ``GraderValidation`` (the grader as read back)
===========================================  ==================================================

Each has ``with_raw_response`` (``client.graders.with_raw_response.validate(grader=...)``): the same
methods (``list`` aside), returning :class:`ftjobs.RawResponse` of what the plain method returns.

Arguments are checked before anything is sent (``InvalidArgumentError`` naming the argument); a
grader is a :class:`ftjobs.GraderParam` dict (or a generated grader model), checked against the
spec's grader union by the generated request model.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, Unpack

from ._calls import operation
from ._errors import InvalidArgumentError
from ._http import Call
from ._options import RawResponse, RequestOptions, asend, prepare, result, send
from ._pagination import AsyncPager, SyncPager

if TYPE_CHECKING:
    from ftjobs_generated.views import (
        CheckpointPermission,
        GraderRunResult,
        GraderValidation,
        PermissionDeleted,
    )

    from ._http import AsyncEngine, SyncEngine
    from ._models import AsyncPage, Page
    from ._params import GraderParam

Order = Literal["ascending", "descending"]


def _id(value: object, name: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidArgumentError(f"{name} must be a non-empty string, got {value!r}"[:200])
    if any(not ch.isprintable() for ch in value):
        raise InvalidArgumentError(f"{name} contains control characters: {value!r}"[:200])
    return value


def _jsonable(value: Any) -> Any:
    """value as JSON data: generated models through to_dict, tuples as lists."""
    to_dict = getattr(value, "to_dict", None)
    if callable(to_dict):
        return to_dict()
    if isinstance(value, Mapping):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def _request(model: str, body: dict[str, Any]) -> Any:
    """body checked by the generated request model (wrong JSON types -> InvalidArgumentError)."""
    from ftjobs_generated import models

    try:
        return getattr(models, model).from_dict(body)
    except Exception as exc:  # the generated layer's InvalidData
        path, expected, got = (
            getattr(exc, "path", None),
            getattr(exc, "expected", None),
            getattr(exc, "got", None),
        )
        if isinstance(path, tuple) and expected and got:
            where = ".".join(str(part) for part in path) or "body"
            raise InvalidArgumentError(f"{where}: expected {expected}, got {got}") from None
        raise InvalidArgumentError(f"invalid request: {exc}"[:200]) from None


def _grader(grader: object) -> dict[str, Any]:
    value = _jsonable(grader)
    if not isinstance(value, dict):
        raise InvalidArgumentError(
            f"grader must be a grader dict (ftjobs.GraderParam), got {type(grader).__name__}"
        )
    if not isinstance(value.get("type"), str):
        raise InvalidArgumentError(
            "grader['type'] must be a grader type string (string_check, text_similarity, ...)"
        )
    return value


# --- the calls ---------------------------------------------------------------------------------


def create_permission_call(checkpoint: str, project_ids: Sequence[str]) -> Call:
    """POST /fine_tuning/checkpoints/{checkpoint}/permissions."""
    checkpoint = _id(checkpoint, "fine_tuned_model_checkpoint")
    if isinstance(project_ids, str) or not isinstance(project_ids, Sequence):
        raise InvalidArgumentError(
            f"project_ids must be a list of project ids, got {type(project_ids).__name__}"
        )
    ids = [_id(project_id, f"project_ids[{i}]") for i, project_id in enumerate(project_ids)]
    if not ids:
        raise InvalidArgumentError("project_ids must name at least one project")
    request = _request("CreateFineTuningCheckpointPermissionRequest", {"project_ids": ids})
    return operation(
        "create_fine_tuning_checkpoint_permission",
        (checkpoint,),
        json_body=request.to_dict(),
        idempotent=False,
    )


def list_permissions_call(
    checkpoint: str, after: str | None, limit: int | None, order: Order | None, project_id: str | None
) -> Call:
    """GET /fine_tuning/checkpoints/{checkpoint}/permissions."""
    checkpoint = _id(checkpoint, "fine_tuned_model_checkpoint")
    if after is not None:
        _id(after, "after")
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
        raise InvalidArgumentError(f"limit must be a positive integer, got {limit!r}")
    if order is not None and order not in ("ascending", "descending"):
        raise InvalidArgumentError(f"order must be 'ascending' or 'descending', got {order!r}"[:200])
    if project_id is not None:
        _id(project_id, "project_id")
    query = {"project_id": project_id, "after": after, "limit": limit, "order": order}
    return operation("list_fine_tuning_checkpoint_permissions", (checkpoint,), query)


def delete_permission_call(checkpoint: str, permission_id: str) -> Call:
    """DELETE /fine_tuning/checkpoints/{checkpoint}/permissions/{permission_id}."""
    path = (_id(checkpoint, "fine_tuned_model_checkpoint"), _id(permission_id, "permission_id"))
    return operation("delete_fine_tuning_checkpoint_permission", path)


def run_grader_call(grader: object, model_sample: str, item: Mapping[str, Any] | None) -> Call:
    """POST /fine_tuning/alpha/graders/run."""
    if not isinstance(model_sample, str):
        raise InvalidArgumentError(f"model_sample must be a string, got {type(model_sample).__name__}")
    body: dict[str, Any] = {"grader": _grader(grader), "model_sample": model_sample}
    if item is not None:
        if not isinstance(item, Mapping):
            raise InvalidArgumentError(f"item must be a mapping (a JSON object), got {type(item).__name__}")
        body["item"] = _jsonable(item)
    return operation("run_grader", (), None, _request("RunGraderRequest", body).to_dict())


def validate_grader_call(grader: object) -> Call:
    """POST /fine_tuning/alpha/graders/validate."""
    body = {"grader": _grader(grader)}
    return operation("validate_grader", json_body=_request("ValidateGraderRequest", body).to_dict())


# --- parsers (the views load with the first answer) ----------------------------------------------


def _sync_page(
    data: Any, fetch: Callable[[str], Page[CheckpointPermission]] | None
) -> Page[CheckpointPermission]:
    from ftjobs_generated.views import CheckpointPermission

    from ._models import Page, read_page

    page: Page[CheckpointPermission] = read_page(data, CheckpointPermission, Page)
    if fetch is not None:
        object.__setattr__(page, "_fetch", fetch)  # frozen: set once, here
    return page


def _async_page(
    data: Any, fetch: Callable[[str], Awaitable[AsyncPage[CheckpointPermission]]] | None
) -> AsyncPage[CheckpointPermission]:
    from ftjobs_generated.views import CheckpointPermission

    from ._models import AsyncPage, read_page

    page: AsyncPage[CheckpointPermission] = read_page(data, CheckpointPermission, AsyncPage)
    if fetch is not None:
        object.__setattr__(page, "_fetch", fetch)
    return page


def _deleted(data: Any) -> PermissionDeleted:
    from ftjobs_generated.views import PermissionDeleted

    return PermissionDeleted.from_dict(data)


def _run_result(data: Any) -> GraderRunResult:
    from ftjobs_generated.views import GraderRunResult

    return GraderRunResult.from_dict(data)


def _validation(data: Any) -> GraderValidation:
    from ftjobs_generated.views import GraderValidation

    return GraderValidation.from_dict(data)


# --- sync ----------------------------------------------------------------------------------------


class Permissions:
    """Who may use a fine-tuned model checkpoint: ``client.checkpoints.permissions`` (the SDK's
    ``client.fine_tuning.checkpoints.permissions``; OpenAI requires an admin API key)."""

    def __init__(self, engine: SyncEngine) -> None:
        self._engine = engine

    @property
    def with_raw_response(self) -> PermissionsWithRawResponse:
        """``create``, ``retrieve`` and ``delete``, returning :class:`ftjobs.RawResponse`."""
        return PermissionsWithRawResponse(self)

    def create(
        self,
        fine_tuned_model_checkpoint: str,
        *,
        project_ids: Sequence[str],
        **options: Unpack[RequestOptions],
    ) -> Page[CheckpointPermission]:
        """Share the checkpoint with these projects; the page of permissions created."""
        raw = self.with_raw_response.create(fine_tuned_model_checkpoint, project_ids=project_ids, **options)
        return raw.parse()

    def _fetcher(
        self,
        checkpoint: str,
        limit: int | None,
        order: Order | None,
        project_id: str | None,
        options: Mapping[str, Any],
    ) -> Callable[[str | None], Page[CheckpointPermission]]:
        def fetch(after: str | None) -> Page[CheckpointPermission]:
            call = list_permissions_call(checkpoint, after, limit, order, project_id)
            data, reply, redact = send(self._engine, call, options)
            return result(lambda d: _sync_page(d, fetch), data, reply, redact)

        return fetch

    def retrieve(
        self,
        fine_tuned_model_checkpoint: str,
        *,
        after: str | None = None,
        limit: int | None = None,
        order: Order | None = None,
        project_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> Page[CheckpointPermission]:
        """One page of the checkpoint's permissions (newest first unless ``order="ascending"``;
        ``project_id`` filters); ``page.next_page()`` fetches the next with the same arguments."""
        raw = self.with_raw_response.retrieve(
            fine_tuned_model_checkpoint,
            after=after,
            limit=limit,
            order=order,
            project_id=project_id,
            **options,
        )
        return raw.parse()

    def list(
        self,
        fine_tuned_model_checkpoint: str,
        *,
        after: str | None = None,
        limit: int | None = None,
        order: Order | None = None,
        project_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> SyncPager[CheckpointPermission]:
        """Every permission of the checkpoint, fetched lazily ``limit`` per page (``first_page()``
        is what :meth:`retrieve` returns)."""
        call = list_permissions_call(fine_tuned_model_checkpoint, after, limit, order, project_id)
        prepare(call, options, self._engine.settings)  # every argument checked now
        fetch = self._fetcher(fine_tuned_model_checkpoint, limit, order, project_id, options)
        return SyncPager(fetch, "checkpoints.permissions.list", self._engine.settings.redact, after=after)

    def delete(
        self, permission_id: str, *, fine_tuned_model_checkpoint: str, **options: Unpack[RequestOptions]
    ) -> PermissionDeleted:
        """Remove one permission of the checkpoint (NotFoundError for an unknown one)."""
        raw = self.with_raw_response.delete(
            permission_id, fine_tuned_model_checkpoint=fine_tuned_model_checkpoint, **options
        )
        return raw.parse()


class Checkpoints:
    """Fine-tuned model checkpoints: ``client.checkpoints.permissions``."""

    def __init__(self, engine: SyncEngine) -> None:
        self.permissions = Permissions(engine)


class Graders:
    """The grader tools: ``client.graders`` (the SDK's ``client.fine_tuning.alpha.graders``)."""

    def __init__(self, engine: SyncEngine) -> None:
        self._engine = engine

    @property
    def with_raw_response(self) -> GradersWithRawResponse:
        """``run`` and ``validate``, returning :class:`ftjobs.RawResponse`."""
        return GradersWithRawResponse(self._engine)

    def run(
        self,
        *,
        grader: GraderParam | Mapping[str, Any],
        model_sample: str,
        item: Mapping[str, Any] | None = None,
        **options: Unpack[RequestOptions],
    ) -> GraderRunResult:
        """Grade ``model_sample`` (the ``sample`` namespace) with ``item`` (the ``item`` namespace)."""
        return self.with_raw_response.run(
            grader=grader, model_sample=model_sample, item=item, **options
        ).parse()

    def validate(
        self, *, grader: GraderParam | Mapping[str, Any], **options: Unpack[RequestOptions]
    ) -> GraderValidation:
        """Check a grader before using it in a job (BadRequestError says what is wrong)."""
        return self.with_raw_response.validate(grader=grader, **options).parse()


# --- async ---------------------------------------------------------------------------------------


class AsyncPermissions:
    """The async twin of :class:`Permissions`."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    @property
    def with_raw_response(self) -> AsyncPermissionsWithRawResponse:
        """``create``, ``retrieve`` and ``delete``, returning :class:`ftjobs.RawResponse`."""
        return AsyncPermissionsWithRawResponse(self)

    async def create(
        self,
        fine_tuned_model_checkpoint: str,
        *,
        project_ids: Sequence[str],
        **options: Unpack[RequestOptions],
    ) -> AsyncPage[CheckpointPermission]:
        """Share the checkpoint with these projects; the page of permissions created."""
        raw = await self.with_raw_response.create(
            fine_tuned_model_checkpoint, project_ids=project_ids, **options
        )
        return raw.parse()

    def _fetcher(
        self,
        checkpoint: str,
        limit: int | None,
        order: Order | None,
        project_id: str | None,
        options: Mapping[str, Any],
    ) -> Callable[[str | None], Awaitable[AsyncPage[CheckpointPermission]]]:
        async def fetch(after: str | None) -> AsyncPage[CheckpointPermission]:
            call = list_permissions_call(checkpoint, after, limit, order, project_id)
            data, reply, redact = await asend(self._engine, call, options)
            return result(lambda d: _async_page(d, fetch), data, reply, redact)

        return fetch

    async def retrieve(
        self,
        fine_tuned_model_checkpoint: str,
        *,
        after: str | None = None,
        limit: int | None = None,
        order: Order | None = None,
        project_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> AsyncPage[CheckpointPermission]:
        """One page of the checkpoint's permissions (see :meth:`Permissions.retrieve`)."""
        raw = await self.with_raw_response.retrieve(
            fine_tuned_model_checkpoint,
            after=after,
            limit=limit,
            order=order,
            project_id=project_id,
            **options,
        )
        return raw.parse()

    def list(
        self,
        fine_tuned_model_checkpoint: str,
        *,
        after: str | None = None,
        limit: int | None = None,
        order: Order | None = None,
        project_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> AsyncPager[CheckpointPermission]:
        """Every permission of the checkpoint, lazily: ``async for permission in ...``."""
        call = list_permissions_call(fine_tuned_model_checkpoint, after, limit, order, project_id)
        prepare(call, options, self._engine.settings)
        fetch = self._fetcher(fine_tuned_model_checkpoint, limit, order, project_id, options)
        return AsyncPager(fetch, "checkpoints.permissions.list", self._engine.settings.redact, after=after)

    async def delete(
        self, permission_id: str, *, fine_tuned_model_checkpoint: str, **options: Unpack[RequestOptions]
    ) -> PermissionDeleted:
        """Remove one permission of the checkpoint."""
        raw = await self.with_raw_response.delete(
            permission_id, fine_tuned_model_checkpoint=fine_tuned_model_checkpoint, **options
        )
        return raw.parse()


class AsyncCheckpoints:
    """``client.checkpoints.permissions`` of an AsyncClient."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.permissions = AsyncPermissions(engine)


class AsyncGraders:
    """The async twin of :class:`Graders`."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    @property
    def with_raw_response(self) -> AsyncGradersWithRawResponse:
        """``run`` and ``validate``, returning :class:`ftjobs.RawResponse`."""
        return AsyncGradersWithRawResponse(self._engine)

    async def run(
        self,
        *,
        grader: GraderParam | Mapping[str, Any],
        model_sample: str,
        item: Mapping[str, Any] | None = None,
        **options: Unpack[RequestOptions],
    ) -> GraderRunResult:
        """Grade ``model_sample`` with ``item`` (see :meth:`Graders.run`)."""
        raw = await self.with_raw_response.run(grader=grader, model_sample=model_sample, item=item, **options)
        return raw.parse()

    async def validate(
        self, *, grader: GraderParam | Mapping[str, Any], **options: Unpack[RequestOptions]
    ) -> GraderValidation:
        """Check a grader before using it in a job."""
        return (await self.with_raw_response.validate(grader=grader, **options)).parse()


# --- raw responses (the plain methods above are these, parsed) -----------------------------------


class PermissionsWithRawResponse:
    """``client.checkpoints.permissions.with_raw_response``: the same request as the plain method
    (options, retries, checks), the response as received; ``parse()`` gives the plain result."""

    def __init__(self, permissions: Permissions) -> None:
        self._permissions = permissions

    def create(
        self,
        fine_tuned_model_checkpoint: str,
        *,
        project_ids: Sequence[str],
        **options: Unpack[RequestOptions],
    ) -> RawResponse[Page[CheckpointPermission]]:
        call = create_permission_call(fine_tuned_model_checkpoint, project_ids)
        data, reply, redact = send(self._permissions._engine, call, options)
        return RawResponse(data, reply, lambda d: _sync_page(d, None), redact)

    def retrieve(
        self,
        fine_tuned_model_checkpoint: str,
        *,
        after: str | None = None,
        limit: int | None = None,
        order: Order | None = None,
        project_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> RawResponse[Page[CheckpointPermission]]:
        """One page; its ``parse().next_page()`` fetches the next (parsed, not raw)."""
        call = list_permissions_call(fine_tuned_model_checkpoint, after, limit, order, project_id)
        fetch = self._permissions._fetcher(fine_tuned_model_checkpoint, limit, order, project_id, options)
        data, reply, redact = send(self._permissions._engine, call, options)
        return RawResponse(data, reply, lambda d: _sync_page(d, fetch), redact)

    def delete(
        self, permission_id: str, *, fine_tuned_model_checkpoint: str, **options: Unpack[RequestOptions]
    ) -> RawResponse[PermissionDeleted]:
        call = delete_permission_call(fine_tuned_model_checkpoint, permission_id)
        data, reply, redact = send(self._permissions._engine, call, options)
        return RawResponse(data, reply, _deleted, redact)


class GradersWithRawResponse:
    """``client.graders.with_raw_response``: ``run`` and ``validate``, raw."""

    def __init__(self, engine: SyncEngine) -> None:
        self._engine = engine

    def run(
        self,
        *,
        grader: GraderParam | Mapping[str, Any],
        model_sample: str,
        item: Mapping[str, Any] | None = None,
        **options: Unpack[RequestOptions],
    ) -> RawResponse[GraderRunResult]:
        data, reply, redact = send(self._engine, run_grader_call(grader, model_sample, item), options)
        return RawResponse(data, reply, _run_result, redact)

    def validate(
        self, *, grader: GraderParam | Mapping[str, Any], **options: Unpack[RequestOptions]
    ) -> RawResponse[GraderValidation]:
        data, reply, redact = send(self._engine, validate_grader_call(grader), options)
        return RawResponse(data, reply, _validation, redact)


class AsyncPermissionsWithRawResponse:
    """The async twin of :class:`PermissionsWithRawResponse`."""

    def __init__(self, permissions: AsyncPermissions) -> None:
        self._permissions = permissions

    async def create(
        self,
        fine_tuned_model_checkpoint: str,
        *,
        project_ids: Sequence[str],
        **options: Unpack[RequestOptions],
    ) -> RawResponse[AsyncPage[CheckpointPermission]]:
        call = create_permission_call(fine_tuned_model_checkpoint, project_ids)
        data, reply, redact = await asend(self._permissions._engine, call, options)
        return RawResponse(data, reply, lambda d: _async_page(d, None), redact)

    async def retrieve(
        self,
        fine_tuned_model_checkpoint: str,
        *,
        after: str | None = None,
        limit: int | None = None,
        order: Order | None = None,
        project_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> RawResponse[AsyncPage[CheckpointPermission]]:
        """One page; ``await raw.parse().next_page()`` fetches the next (parsed, not raw)."""
        call = list_permissions_call(fine_tuned_model_checkpoint, after, limit, order, project_id)
        fetch = self._permissions._fetcher(fine_tuned_model_checkpoint, limit, order, project_id, options)
        data, reply, redact = await asend(self._permissions._engine, call, options)
        return RawResponse(data, reply, lambda d: _async_page(d, fetch), redact)

    async def delete(
        self, permission_id: str, *, fine_tuned_model_checkpoint: str, **options: Unpack[RequestOptions]
    ) -> RawResponse[PermissionDeleted]:
        call = delete_permission_call(fine_tuned_model_checkpoint, permission_id)
        data, reply, redact = await asend(self._permissions._engine, call, options)
        return RawResponse(data, reply, _deleted, redact)


class AsyncGradersWithRawResponse:
    """The async twin of :class:`GradersWithRawResponse`."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def run(
        self,
        *,
        grader: GraderParam | Mapping[str, Any],
        model_sample: str,
        item: Mapping[str, Any] | None = None,
        **options: Unpack[RequestOptions],
    ) -> RawResponse[GraderRunResult]:
        data, reply, redact = await asend(self._engine, run_grader_call(grader, model_sample, item), options)
        return RawResponse(data, reply, _run_result, redact)

    async def validate(
        self, *, grader: GraderParam | Mapping[str, Any], **options: Unpack[RequestOptions]
    ) -> RawResponse[GraderValidation]:
        data, reply, redact = await asend(self._engine, validate_grader_call(grader), options)
        return RawResponse(data, reply, _validation, redact)
