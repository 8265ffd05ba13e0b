"""Bounded body reading: the size cap counts decoded bytes, whatever the compression ratio.

The engine reads raw bytes from the transport and decodes ``Content-Encoding`` here, never through
the HTTP library (httpx/httpx2 decode each raw chunk through every layer without a limit, so a
1 MB gzip bomb becomes a gigabyte before any cap can look at it). ``zlib``'s
``decompress(data, max_length)`` with ``unconsumed_tail`` keeps every step at most
:data:`STEP` bytes, and the running total is checked against the cap after each step.

Accepted: ``identity``, ``gzip`` (``x-gzip``), ``deflate`` (zlib-wrapped or raw), one layer. Refused
(:class:`BodyError`): stacked layers (``gzip, gzip``: no real server sends them, and each layer
multiplies the ratio), and ``br``/``zstd``/anything else (not advertised in ``Accept-Encoding``; no
bounded decoder in the standard library of Python 3.11).
"""

from __future__ import annotations

import zlib

#: Largest piece one decompression step may produce.
STEP = 64 * 1024
#: What the engine advertises; only encodings this module decodes.
ACCEPT_ENCODING = "gzip, deflate"


class BodyError(Exception):
    """A body that cannot be read within the rules (too large, unsupported or stacked encoding)."""


class Body:
    """Accumulates one response body, decoded, refusing to pass ``limit`` decoded bytes."""

    __slots__ = ("_inflater", "_probe", "data", "limit")

    def __init__(self, content_encoding: str | None, limit: int) -> None:
        self.limit = limit
        self.data = bytearray()
        self._inflater: zlib._Decompress | None = None
        #: deflate only: the raw bytes fed before the zlib header was seen to be valid (or not).
        self._probe: bytes | None = None
        coding = single_coding(content_encoding) if content_encoding else None
        if coding == "gzip":
            self._inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif coding == "deflate":
            self._inflater = zlib.decompressobj()
            self._probe = b""

    def feed(self, chunk: bytes) -> None:
        """Add one raw chunk from the wire."""
        if self._inflater is None:
            self._add(chunk)
            return
        if self._probe is not None:
            self._feed_probing(chunk)
            return
        try:
            self._inflate(chunk)
        except zlib.error as exc:
            raise BodyError(f"corrupt compressed body: {exc}") from None

    def finish(self) -> bytes:
        """The whole decoded body (after the last chunk)."""
        if self._inflater is not None:
            try:
                self._inflate(b"")
                self._add(self._inflater.flush(STEP))
            except zlib.error as exc:
                raise BodyError(f"corrupt compressed body: {exc}") from None
        return bytes(self.data)

    def _feed_probing(self, chunk: bytes) -> None:
        """deflate is zlib-wrapped per the RFC but raw from some servers: the 2-byte header decides."""
        assert self._probe is not None
        self._probe += chunk
        try:
            self._inflate(chunk)
        except zlib.error:
            self._inflater = zlib.decompressobj(-zlib.MAX_WBITS)
            self.data.clear()
            seen, self._probe = self._probe, None
            try:
                self._inflate(seen)
            except zlib.error as exc:
                raise BodyError(f"corrupt compressed body: {exc}") from None
            return
        if len(self._probe) >= 2:
            self._probe = None

    def _inflate(self, chunk: bytes) -> None:
        assert self._inflater is not None
        data = chunk
        while True:
            out = self._inflater.decompress(data, STEP)
            self._add(out)
            data = self._inflater.unconsumed_tail
            if not data and len(out) < STEP:
                return

    def _add(self, piece: bytes) -> None:
        if len(self.data) + len(piece) > self.limit:
            raise BodyError(f"response body exceeds the {self.limit}-byte limit (decoded)")
        self.data += piece


def single_coding(content_encoding: str) -> str | None:
    """The one content coding to undo (None for identity); BodyError for stacked or unknown ones."""
    layers = [c.strip().lower() for c in content_encoding.split(",")]
    layers = [c for c in layers if c and c != "identity"]
    if not layers:
        return None
    if len(layers) > 1:
        raise BodyError(f"stacked content encodings refused: {content_encoding[:80]!r}")
    coding = layers[0]
    if coding in ("gzip", "x-gzip"):
        return "gzip"
    if coding == "deflate":
        return coding
    raise BodyError(f"unsupported content encoding {coding[:40]!r} (accepted: {ACCEPT_ENCODING})")
