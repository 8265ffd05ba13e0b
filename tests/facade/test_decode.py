"""Bounded decoding of response bodies: the codings undone, the cap on decoded bytes, clear refusals."""

from __future__ import annotations

import gzip
import zlib

import pytest

from ftjobs._decode import ACCEPT_ENCODING, STEP, Body, BodyError, single_coding

DOC = b'{"id": "ftjob-abc123", "status": "running"}' * 50


def _raw_deflate(data: bytes) -> bytes:
    packer = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    return packer.compress(data) + packer.flush()


def _decoded(coding: str | None, wire: bytes, limit: int = 1 << 20, chunk: int = 7) -> bytes:
    """wire fed to a Body in chunks of `chunk` bytes, then finished."""
    body = Body(coding, limit)
    for start in range(0, len(wire), chunk):
        body.feed(wire[start : start + chunk])
    return body.finish()


@pytest.mark.parametrize(
    ("coding", "wire"),
    [
        (None, DOC),
        ("identity", DOC),
        ("gzip", gzip.compress(DOC, mtime=0)),
        ("x-gzip", gzip.compress(DOC, mtime=0)),
        ("GZIP ", gzip.compress(DOC, mtime=0)),
        ("deflate", zlib.compress(DOC)),  # zlib-wrapped, as the RFC says
        ("deflate", _raw_deflate(DOC)),  # raw, as some servers send it
        ("identity, gzip", gzip.compress(DOC, mtime=0)),
    ],
)
@pytest.mark.parametrize("chunk", [1, 7, 4096])
def test_every_advertised_coding_is_undone(coding: str | None, wire: bytes, chunk: int) -> None:
    """gzip (x-gzip) and deflate (zlib-wrapped or raw) are decoded whatever the chunking."""
    assert _decoded(coding, wire, chunk=chunk) == DOC


def test_what_is_advertised_is_what_is_decoded() -> None:
    """Accept-Encoding names exactly the codings single_coding accepts."""
    assert ACCEPT_ENCODING == "gzip, deflate"
    assert [single_coding(c.strip()) for c in ACCEPT_ENCODING.split(",")] == ["gzip", "deflate"]


@pytest.mark.parametrize("coding", ["gzip", "deflate"])
def test_a_corrupt_compressed_body_is_a_body_error(coding: str) -> None:
    """Bytes that are neither zlib nor raw deflate (nor gzip): BodyError, never zlib.error."""
    with pytest.raises(BodyError, match="corrupt compressed body"):
        _decoded(coding, b"\xff\xfe this is not compressed at all \x00\x01" * 3)


def test_a_truncated_gzip_body_is_refused() -> None:
    """A gzip stream cut short is a BodyError (never zlib.error, never half a body)."""
    wire = gzip.compress(DOC, mtime=0)
    with pytest.raises(BodyError, match="truncated compressed body"):
        _decoded("gzip", wire[: len(wire) // 2])


@pytest.mark.parametrize("coding", [None, "gzip", "deflate"])
def test_the_cap_counts_decoded_bytes_exactly(coding: str | None) -> None:
    """A body decoding to exactly the limit is kept; one byte more is refused, whatever the coding."""
    pack = {None: lambda d: d, "gzip": gzip.compress, "deflate": zlib.compress}[coding]
    assert _decoded(coding, pack(DOC), limit=len(DOC)) == DOC
    with pytest.raises(BodyError, match=f"exceeds the {len(DOC) - 1}-byte limit"):
        _decoded(coding, pack(DOC), limit=len(DOC) - 1)


def test_a_bomb_is_refused_in_steps() -> None:
    """10 MB of zeros in a few KiB of gzip, with a 1 MiB cap: refused (decoding stops at the cap)."""
    bomb = gzip.compress(b"\0" * 10_000_000, mtime=0)
    assert len(bomb) < 20_000
    with pytest.raises(BodyError, match="exceeds the 1048576-byte limit"):
        _decoded("gzip", bomb, limit=1 << 20, chunk=len(bomb))
    assert STEP == 64 * 1024


def test_stacked_and_unknown_codings_are_refused_with_a_bounded_message() -> None:
    """Two codings, or one not advertised: BodyError naming (the start of) the header."""
    header = ", ".join(["gzip"] * 40)
    with pytest.raises(BodyError) as caught:
        single_coding(header)
    assert str(caught.value) == f"stacked content encodings refused: {header[:80]!r}"
    with pytest.raises(BodyError) as caught:
        single_coding("br")
    assert str(caught.value) == "unsupported content encoding 'br' (accepted: gzip, deflate)"
    assert single_coding(" , identity") is None


def test_gzip_with_references_across_the_whole_window() -> None:
    """A gzip body whose repeats lie 20,000 bytes back (more than a 16 KiB window), fed in small chunks
    (so the references reach into earlier output), decodes exactly."""
    block = bytes((i * 7919 + i // 251) % 256 for i in range(20_000))
    data = block * 4
    assert _decoded("gzip", gzip.compress(data, mtime=0), chunk=64) == data


@pytest.mark.parametrize("header", ["gzip, gzip", "deflate, gzip", "gzip,deflate"])
def test_two_codings_are_already_stacked(header: str) -> None:
    """Two layers are refused (a bomb inside a bomb), not only many."""
    with pytest.raises(BodyError, match="stacked"):
        single_coding(header)


def test_a_body_labelled_gzip_must_be_gzip() -> None:
    """A zlib stream sent as Content-Encoding: gzip is refused, not guessed at."""
    with pytest.raises(BodyError, match="corrupt compressed body"):
        _decoded("gzip", zlib.compress(DOC))


def test_an_unknown_coding_is_named_cut_to_40_characters() -> None:
    """The refused coding is quoted, at most its first 40 characters."""
    coding = "".join(chr(ord("a") + i % 26) for i in range(60))
    with pytest.raises(BodyError) as caught:
        single_coding(coding)
    assert str(caught.value) == f"unsupported content encoding {coding[:40]!r} (accepted: gzip, deflate)"
