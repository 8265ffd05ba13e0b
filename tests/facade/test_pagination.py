"""Cursor trails: any repeated cursor is a PaginationError, a walk can be bounded, memory stays small."""

from __future__ import annotations

import asyncio

import pytest

import ftjobs
from ftjobs._models import Page
from ftjobs._pagination import AsyncPager, CursorTrail, SyncPager


def _page(cursor: str | None, has_more: bool = True) -> Page[str]:
    return Page(items=("x",), has_more=has_more, next_after=cursor)


@pytest.mark.parametrize(
    ("cursors", "repeat_at"),
    [
        (["a", "a"], 2),
        (["a", "b", "a"], 3),
        (["a", "b", "c", "b"], 4),
        (["a", "b", "c", "d", "e", "a"], 6),
    ],
)
def test_any_repeated_cursor_raises(cursors: list[str], repeat_at: int) -> None:
    """A cursor seen before, however many pages ago, raises PaginationError on the page that sent it."""
    trail = CursorTrail(what="jobs.list")
    for n, cursor in enumerate(cursors, start=1):
        if n == repeat_at:
            with pytest.raises(ftjobs.PaginationError) as caught:
                trail.next_cursor(_page(cursor))
            assert caught.value.cursor == cursor
            assert caught.value.pages == n
            assert "jobs.list" in str(caught.value)
            return
        assert trail.next_cursor(_page(cursor)) == cursor
    pytest.fail("no repeat raised")


def test_a_walk_ends_when_the_server_says_so() -> None:
    """has_more false, or no cursor, ends the walk (None) without an error."""
    trail = CursorTrail()
    assert trail.next_cursor(_page("a", has_more=False)) is None
    assert CursorTrail().next_cursor(_page(None)) is None


def test_max_pages_bounds_distinct_cursors() -> None:
    """Distinct cursors are followed up to max_pages, then PaginationError (cursor None)."""
    trail = CursorTrail(max_pages=3)
    assert trail.next_cursor(_page("a")) == "a"
    assert trail.next_cursor(_page("b")) == "b"
    with pytest.raises(ftjobs.PaginationError) as caught:
        trail.next_cursor(_page("c"))
    assert caught.value.cursor is None
    assert caught.value.pages == 3


def test_huge_cursors_are_remembered_as_digests() -> None:
    """A 1 MB cursor costs 16 bytes of memory in the trail, and the message shows 60 characters of it."""
    trail = CursorTrail()
    huge = "c" * 1_000_000
    trail.next_cursor(_page(huge))
    assert all(len(digest) == 16 for digest in trail._seen)
    with pytest.raises(ftjobs.PaginationError) as caught:
        trail.next_cursor(_page(huge))
    assert len(str(caught.value)) < 300


def test_pager_redacts_the_cursor_in_its_error() -> None:
    """The pager passes its error through the client's redaction (a cursor may echo a key)."""
    pages = {None: _page("sk-secret-cursor"), "sk-secret-cursor": _page("sk-secret-cursor")}
    pager: SyncPager[str] = SyncPager(
        lambda after: pages[after], "jobs.list", lambda t: t.replace("sk-secret", "***")
    )
    with pytest.raises(ftjobs.PaginationError) as caught:
        list(pager)
    assert "sk-secret" not in str(caught.value) + repr(caught.value) + repr(caught.value.cursor)


def test_a_key_across_the_shown_cut_leaves_no_half() -> None:
    """The cursor is redacted before the message cuts it to 60 characters: not even a key's prefix."""
    cursor = "c" * 50 + "sk-secret-0123456789"
    trail = CursorTrail(redact=lambda t: t.replace("sk-secret-0123456789", "***"))
    trail.next_cursor(_page(cursor))
    with pytest.raises(ftjobs.PaginationError) as caught:
        trail.next_cursor(_page(cursor))
    assert "sk-sec" not in str(caught.value)
    assert "c" * 50 + "***" in str(caught.value)


def test_the_message_shows_exactly_60_characters_of_the_cursor() -> None:
    """A repeated cursor is shown cut to its first 60 characters, no more, no fewer."""
    cursor = "".join(chr(ord("a") + i % 26) for i in range(100))
    trail = CursorTrail()
    trail.next_cursor(_page(cursor))
    with pytest.raises(ftjobs.PaginationError) as caught:
        trail.next_cursor(_page(cursor))
    assert f"cursor {cursor[:60]!r} again" in str(caught.value)
    assert caught.value.cursor == cursor


def test_the_async_pager_walks_every_page_and_stops_on_a_cycle() -> None:
    """AsyncPager follows the cursor over every page until has_more is false; a repeat still raises."""
    chain = {
        None: Page(("a", "b"), True, "c1"),
        "c1": Page(("c",), True, "c2"),
        "c2": Page(("d",), False, None),
    }

    async def fetch(after: str | None) -> Page[str]:
        return chain[after]

    async def walk(pager: AsyncPager[str]) -> list[str]:
        return [item async for item in pager]

    assert asyncio.run(walk(AsyncPager(fetch, "jobs.list"))) == ["a", "b", "c", "d"]
    chain["c2"] = Page(("d",), True, "c1")
    with pytest.raises(ftjobs.PaginationError) as caught:
        asyncio.run(walk(AsyncPager(fetch, "jobs.list")))
    assert caught.value.pages == 3 and caught.value.cursor == "c1"
