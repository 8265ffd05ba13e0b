"""Pages of typed results, and the typed results themselves re-exported.

``Job``, ``JobEvent``, ``Checkpoint`` and every class nested in them are generated from the spec
(``ftjobs_generated.views``, rendered by ``make regen`` from ``openapi/templates/views.py.jinja``);
their readers and the tolerance policy (docs/typing.md) are in ``ftjobs_generated._views_runtime``.
What stays here is what the spec does not describe: a page of them and how it is read.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any, Generic, Protocol, Self, TypeVar

import attrs

from ftjobs_generated import _views_runtime as p

from ._errors import ResponseValidationError

if TYPE_CHECKING:
    from ftjobs_generated.views import Checkpoint, Job, JobEvent
else:

    def __getattr__(name: str) -> Any:
        """Job, JobEvent, Checkpoint: each loaded when first asked for (a retrieve loads no event)."""
        if name not in ("Checkpoint", "Job", "JobEvent"):
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        from ftjobs_generated import views

        value = getattr(views, name)
        globals()[name] = value
        return value


__all__ = [
    "AsyncPage",
    "BasePage",
    "Checkpoint",
    "Item",
    "Job",
    "JobEvent",
    "Page",
    "parse_page",
    "read_page",
]

T = TypeVar("T")


class Listable(Protocol):
    """What a page can hold: a typed result with an ``id`` and the reader ``_read`` (a JSON object
    to the result; raising ``_views_runtime.Invalid``). Job, JobEvent, Checkpoint and the results of the
    other resources are such classes."""

    @property
    def id(self) -> str | None: ...

    @classmethod
    def _read(cls, d: Mapping[str, Any]) -> Self: ...


#: What a page holds.
Item = TypeVar("Item", bound=Listable)


T_co = TypeVar("T_co", covariant=True)


@attrs.frozen
class BasePage(Generic[T_co]):
    """What a page of either client holds: parsed ``items``, ``has_more``, the cursor for the next
    page (``next_after``) and the ``request_id`` of its response (None when not from a call)."""

    items: tuple[T_co, ...]
    has_more: bool
    next_after: str | None
    request_id: str | None = attrs.field(default=None, kw_only=True, repr=False, eq=False)
    #: Fetches the page after a cursor (set by the list call that made this page).
    _fetch: Callable[[str], Any] | None = attrs.field(default=None, kw_only=True, repr=False, eq=False)

    def _next_cursor(self) -> str | None:
        if not self.has_more or self.next_after is None or self._fetch is None:
            return None
        return self.next_after

    # The openai SDK's names for the same things (README "Coming from the openai SDK").
    @property
    def data(self) -> tuple[T_co, ...]:
        """``items`` under the openai SDK's name."""
        return self.items

    def has_next_page(self) -> bool:
        """Whether :meth:`next_page` would fetch a page (the SDK's ``has_next_page()``)."""
        return self._next_cursor() is not None


def _no_next_page() -> Exception:
    from ._errors import InvalidArgumentError

    return InvalidArgumentError("no next page: check has_next_page() first (next_page() returns None)")


@attrs.frozen
class Page(BasePage[T_co]):
    """One page of a list response (``client.jobs.list().first_page()``); :meth:`next_page` fetches
    the next one with the same arguments and options."""

    def next_page(self) -> Page[T_co] | None:
        """The next page (one request), or None when this is the last (or was not from a call)."""
        cursor = self._next_cursor()
        if cursor is None or self._fetch is None:
            return None
        page: Page[T_co] = self._fetch(cursor)
        return page

    def get_next_page(self) -> Page[T_co]:
        """The next page (the SDK's name); InvalidArgumentError on the last page."""
        page = self.next_page()
        if page is None:
            raise _no_next_page()
        return page


@attrs.frozen
class AsyncPage(BasePage[T_co]):
    """One page of a list response on an AsyncClient: ``await page.next_page()``."""

    async def next_page(self) -> AsyncPage[T_co] | None:
        """The next page (one request), or None when this is the last (or was not from a call)."""
        cursor = self._next_cursor()
        if cursor is None or self._fetch is None:
            return None
        fetched: Awaitable[AsyncPage[T_co]] = self._fetch(cursor)
        return await fetched

    async def get_next_page(self) -> AsyncPage[T_co]:
        """The next page (the SDK's name); InvalidArgumentError on the last page."""
        page = await self.next_page()
        if page is None:
            raise _no_next_page()
        return page


P = TypeVar("P", bound=BasePage[Any])


def parse_page(data: object, item: type[Item], page: type[Page[Any]] = Page) -> Page[Item]:
    """Parse ``{"data": [...], "has_more": bool}``, each element as item (errors name ``list.data[i]``).

    A page without ``has_more`` has a next one when it has ``total_count`` and a non-empty ``last_id``
    (the Bedrock list through Portkey); otherwise it is the last."""
    return read_page(data, item, page)


def read_page(data: object, item: type[Item], page: type[P]) -> P:
    """:func:`parse_page` into any page class (Page, AsyncPage)."""
    if not p.is_object(data):
        raise ResponseValidationError(f"expected a list object, got {p.json_type(data)}")
    d: Mapping[str, Any] = data  # type: ignore[assignment]
    try:
        p.string(d, "object")
        items = d.get("data")
        if not isinstance(items, list):
            raise p.Invalid("data", "a list", items)
        has_more = d.get("has_more")
        p.string(d, "first_id")
        last_id = p.string(d, "last_id")
        if has_more is None:
            # Bedrock through Portkey: no has_more, total_count, and last_id is the next page's
            # token, absent on the last page (see _pagination).
            has_more = bool(last_id) and "total_count" in d
        elif type(has_more) is not bool:
            raise p.Invalid("has_more", "a boolean", has_more)
        read = item._read
        parsed: list[Item] = []
        for i, x in enumerate(items):
            if not p.is_object(x):
                raise p.Invalid(i, "an object", x).at("data")
            try:
                parsed.append(read(x))
            except p.Invalid as exc:
                raise exc.at(i).at("data") from None
    except p.Invalid as exc:
        raise ResponseValidationError(exc.message("list")) from None
    next_after = last_id if last_id else (parsed[-1].id if parsed else None)
    return page(items=tuple(parsed), has_more=has_more and next_after is not None, next_after=next_after)
