"""The typed results of ``client.files``: :class:`FileObject` and :class:`FileDeleted`.

Read like every typed result (docs/typing.md): a key the server omits, or ``null``, reads as
``None``; unknown keys stay in ``raw``; a wrong JSON type is a :class:`ResponseValidationError`
naming its path (``file.bytes: expected an integer, got string``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import attrs

from . import _parse as p
from ._errors import ResponseValidationError
from ._models import Exportable, _object


@attrs.frozen(kw_only=True)
class FileObject(Exportable):
    """An uploaded file (``file``)."""

    id: str
    bytes: int | None
    created_at: dt.datetime | None
    expires_at: dt.datetime | None
    filename: str | None
    purpose: str | None
    #: ``uploaded``, ``processed`` or ``error`` (deprecated upstream, still sent).
    status: str | None
    status_details: str | None
    raw: Mapping[str, Any] = attrs.field(factory=dict, repr=False, eq=False)
    request_id: str | None = attrs.field(default=None, repr=False, eq=False)

    @classmethod
    def from_dict(cls, data: object) -> FileObject:
        """Parse a file object; ResponseValidationError (naming the JSON path) if not one."""
        d = _object(data, "file")
        try:
            return cls._read(d)
        except p.Invalid as exc:
            raise ResponseValidationError(exc.message("file")) from None

    @classmethod
    def _read(cls, d: Mapping[str, Any]) -> FileObject:
        p.string(d, "object")
        return cls(
            id=p.required_string(d, "id"),
            bytes=p.integer(d, "bytes"),
            created_at=p.time(d, "created_at"),
            expires_at=p.time(d, "expires_at"),
            filename=p.string(d, "filename"),
            purpose=p.string(d, "purpose"),
            status=p.string(d, "status"),
            status_details=p.string(d, "status_details"),
            raw=d,
        )


@attrs.frozen(kw_only=True)
class FileDeleted(Exportable):
    """The answer to ``files.delete``: the file's ``id`` and ``deleted``."""

    id: str
    deleted: bool | None
    request_id: str | None = attrs.field(default=None, repr=False, eq=False)

    @classmethod
    def from_dict(cls, data: object) -> FileDeleted:
        """Parse the answer to a delete; ResponseValidationError (naming the JSON path) if not one."""
        d = _object(data, "file")
        try:
            deleted = d.get("deleted")
            if deleted is not None and type(deleted) is not bool:
                raise p.Invalid("deleted", "a boolean", deleted)
            return cls(id=p.required_string(d, "id"), deleted=deleted)
        except p.Invalid as exc:
            raise ResponseValidationError(exc.message("file")) from None
