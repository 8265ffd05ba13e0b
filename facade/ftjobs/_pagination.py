"""Lazy auto-paginating iterators: nothing is fetched until you iterate, one page at a time."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Generic, TypeVar

from ._models import Page

T = TypeVar("T")


class SyncPager(Generic[T]):
    """Iterate items across pages; ``pages()`` iterates the pages themselves."""

    def __init__(self, fetch: Callable[[str | None], Page]) -> None:
        self._fetch = fetch

    def pages(self) -> Iterator[Page]:
        """Each page in turn, following the ``after`` cursor while the server says ``has_more``."""
        after: str | None = None
        while True:
            page = self._fetch(after)
            yield page
            if not page.has_more or page.next_after is None or page.next_after == after:
                return
            after = page.next_after

    def __iter__(self) -> Iterator[T]:
        for page in self.pages():
            yield from page.items

    def first_page(self) -> Page:
        """Only the first page (one request)."""
        return self._fetch(None)


class AsyncPager(Generic[T]):
    """The async twin of SyncPager: ``async for item in pager``."""

    def __init__(self, fetch: Callable[[str | None], Awaitable[Page]]) -> None:
        self._fetch = fetch

    async def pages(self) -> AsyncIterator[Page]:
        """Each page in turn, following the ``after`` cursor while the server says ``has_more``."""
        after: str | None = None
        while True:
            page = await self._fetch(after)
            yield page
            if not page.has_more or page.next_after is None or page.next_after == after:
                return
            after = page.next_after

    async def __aiter__(self) -> AsyncIterator[T]:
        async for page in self.pages():
            for item in page.items:
                yield item

    async def first_page(self) -> Page:
        """Only the first page (one request)."""
        return await self._fetch(None)
