"""Lazy auto-paginating iterators: nothing is fetched until you iterate, one page at a time.

A walk follows the ``after`` cursor while the server says ``has_more``. A page without
``has_more`` (the Bedrock list through the Portkey gateway: ``{"object": "list", "data": [...],
"total_count": n, "last_id": nextToken}``) has a next page when it has ``total_count`` and a
non-empty ``last_id``, the cursor; without ``last_id`` it is the last page. That gateway does not
forward ``after`` to AWS: its second page is its first again, with the same cursor, which the cycle
check below turns into a PaginationError after the first page's items, never a loop. A server that sends a
cursor it sent before (A -> A, A -> B -> A, any longer cycle) would make that walk endless, so every
cursor seen is remembered (as a 16-byte digest: memory stays small whatever the cursors' size) and a
repeat raises :class:`PaginationError`. ``pages(max_pages=n)`` also bounds a walk through an endless
run of distinct cursors (``wait()`` uses it for the events of one poll). A walk may start at a
cursor (``list(after=...)``): the pages after it.

Each page is a :class:`~ftjobs.Page` (sync) or :class:`~ftjobs.AsyncPage` whose ``next_page()``
fetches the one after it, for walking by hand (no cycle check: one request per call).
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Awaitable, Callable, Generator, Iterator
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from ._errors import PaginationError

if TYPE_CHECKING:
    from ._models import AsyncPage, BasePage, Page

T = TypeVar("T")

_SHOWN = 60
Redact = Callable[[str], str]


def _same(text: str) -> str:
    return text


class CursorTrail:
    """The cursors a walk has followed; :meth:`next_cursor` refuses a repeat and a walk too long."""

    def __init__(self, max_pages: int | None = None, what: str = "list", redact: Redact = _same) -> None:
        self._seen: set[bytes] = set()
        self.pages = 0
        self.max_pages = max_pages
        self.what = what
        self.redact = redact

    def next_cursor(self, page: BasePage[Any]) -> str | None:
        """The cursor to fetch after page, None when the walk is over; PaginationError on a cycle."""
        self.pages += 1
        if not page.has_more or page.next_after is None:
            return None
        cursor = page.next_after
        digest = hashlib.blake2b(cursor.encode("utf-8", "surrogatepass"), digest_size=16).digest()
        if digest in self._seen:
            shown = self.redact(cursor)[:_SHOWN]  # redacted before the cut: no half key
            raise PaginationError(
                f"{self.what}: the server sent cursor {shown!r} again after {self.pages} pages"
                " (its pages form a cycle; stopping instead of looping forever)",
                cursor=cursor,
                pages=self.pages,
            ).redact(self.redact)
        self._seen.add(digest)
        if self.max_pages is not None and self.pages >= self.max_pages:
            raise PaginationError(
                f"{self.what}: still more pages after {self.pages} (the limit of this walk)",
                cursor=None,
                pages=self.pages,
            )
        return cursor


class SyncPager(Generic[T]):
    """Iterate items across pages; ``pages()`` iterates the pages themselves."""

    def __init__(
        self,
        fetch: Callable[[str | None], Page[T]],
        what: str = "list",
        redact: Redact = _same,
        *,
        after: str | None = None,
    ) -> None:
        self._fetch = fetch
        self._what = what
        self._redact = redact
        self._after = after
        self._first_page: Page[T] | None = None

    def pages(self, *, max_pages: int | None = None) -> Iterator[Page[T]]:
        """Each page in turn, following the ``after`` cursor while the server says ``has_more``.

        Raises PaginationError if a cursor repeats, or when more than ``max_pages`` would be needed.
        """
        trail = CursorTrail(max_pages, self._what, self._redact)
        after = self._after
        while True:
            page = self._fetch(after)
            yield page
            after = trail.next_cursor(page)
            if after is None:
                return

    def __iter__(self) -> Iterator[T]:
        for page in self.pages():
            yield from page.items

    def first_page(self) -> Page[T]:
        """Only the first page (one request); ``page.next_page()`` fetches the next."""
        return self._fetch(self._after)

    # What the openai SDK's list methods return is the first page, already fetched: code written for
    # it reads `.data` and `.has_next_page()` off the list call. Here they fetch the first page once.
    def _first(self) -> Page[T]:
        if self._first_page is None:
            self._first_page = self.first_page()
        return self._first_page

    @property
    def data(self) -> tuple[T, ...]:
        """The first page's items (the SDK's ``page.data``; one request, the first time)."""
        return self._first().items

    def has_next_page(self) -> bool:
        """Whether the first page has a next one (the SDK's ``has_next_page()``)."""
        return self._first().has_next_page()

    def get_next_page(self) -> Page[T]:
        """The page after the first (the SDK's ``get_next_page()``)."""
        return self._first().get_next_page()


class AsyncPager(Generic[T]):
    """The async twin of SyncPager: ``async for item in pager``."""

    def __init__(
        self,
        fetch: Callable[[str | None], Awaitable[AsyncPage[T]]] | Callable[[str | None], Awaitable[Page[T]]],
        what: str = "list",
        redact: Redact = _same,
        *,
        after: str | None = None,
    ) -> None:
        self._fetch = fetch
        self._what = what
        self._redact = redact
        self._after = after

    async def _get(self, after: str | None) -> AsyncPage[T]:
        from ._models import AsyncPage  # loaded already: the page was parsed

        page = await self._fetch(after)
        if isinstance(page, AsyncPage):
            return page
        return AsyncPage(page.items, page.has_more, page.next_after, request_id=page.request_id)

    async def pages(self, *, max_pages: int | None = None) -> AsyncIterator[AsyncPage[T]]:
        """Each page in turn (see :meth:`SyncPager.pages`)."""
        trail = CursorTrail(max_pages, self._what, self._redact)
        after = self._after
        while True:
            page = await self._get(after)
            yield page
            after = trail.next_cursor(page)
            if after is None:
                return

    async def __aiter__(self) -> AsyncIterator[T]:
        async for page in self.pages():
            for item in page.items:
                yield item

    async def first_page(self) -> AsyncPage[T]:
        """Only the first page (one request); ``await page.next_page()`` fetches the next."""
        return await self._get(self._after)

    def __await__(self) -> Generator[Any, None, AsyncPage[T]]:
        """``await client.jobs.list()`` is the first page, as the openai SDK's ``AsyncPaginator``."""
        return self.first_page().__await__()
