"""Bounded body reading: the size cap counts decoded bytes, whatever the compression ratio.

The engine reads raw bytes from the transport and decodes ``Content-Encoding`` here, never through
the HTTP library (httpx/httpx2 decode each raw chunk through every layer without a limit, so a
1 MB gzip bomb becomes a gigabyte before any cap can look at it). ``zlib``'s
``decompress(data, max_length)`` with ``unconsumed_tail`` keeps every step at most
:data:`STEP` bytes, and the running total is checked against the cap after each step.

Accepted: ``identity``, ``gzip`` (``x-gzip``), ``deflate`` (zlib-wrapped or raw), one layer. Refused
(:class:`BodyError`): stacked layers (``gzip, gzip``: no real server sends them, and each layer
multiplies the ratio), and ``br``/``zstd``/anything else (not advertised in ``Accept-Encoding``; no
bounded decoder in the standard library of Python 3.11). A compressed body must be exactly one whole
stream: a stream cut short (its end or gzip trailer missing), a second gzip member or any byte after
the end is a damaged body (:class:`BodyError`), refused as soon as it is seen.

The JSON text is decoded here too (:func:`load_json`), strictly and within a memory budget:

- ``NaN``, ``Infinity`` and ``-Infinity`` are not JSON (RFC 8259), although ``json.loads`` takes them;
- the Python objects a JSON text becomes can take 30 times its size (``[{},{},...]``: 3 bytes per
  ~80-byte dict), so a body within the size cap could still need gigabytes. Before building anything,
  a body too large to be safe whatever it holds (over ``budget / WORST_BYTE_COST`` bytes: 2 MiB for
  the default cap) is scanned (a few ``bytes.count`` passes) for an upper bound of what decoding it
  takes (:func:`decode_cost`), and refused when that bound passes the budget. Smaller bodies, the
  API's real answers (a job is kilobytes, a page of 100 events tens of kilobytes), cost one length
  comparison.
"""

from __future__ import annotations

import json
import zlib
from typing import Any, NoReturn

#: Largest piece one decompression step may produce.
STEP = 64 * 1024
#: What the engine advertises; only encodings this module decodes.
ACCEPT_ENCODING = "gzip, deflate"
#: Decoding one body may take at most this many times the body size cap (max_response_bytes)...
MEMORY_FACTOR = 4
#: ... and at least this many bytes (a lowered cap still decodes the API's real answers).
MIN_DECODE_BUDGET = 16 * 1024 * 1024
#: Most memory one byte of JSON text can take once decoded (body, text, strings and objects
#: together), with room: lists nested ``[[[...]]]``, the densest shape measured, take about 46.
WORST_BYTE_COST = 64
#: Upper bounds, in bytes, of what each structural character of a JSON text leads to once decoded
#: (CPython 3.11+, 64-bit; sizes include the GC header and the pointer that holds the value):
#: ``{`` a dict with up to 5 entries (184 + 8), ``[`` a list (56 + 8, and room for 4 items), ``:`` one
#: more dict entry (its slot, its share of the table's growth) and its key (a str of 49+ bytes),
#: ``,`` one more value (a float, an int, a 1-character str, or the slot of a container).
_STRUCTURE_COSTS = ((b"{", 208), (b"[", 104), (b":", 112), (b",", 80))
#: Lead bytes of 4-byte UTF-8 sequences: a text holding one is stored with 4 bytes per character.
_ASTRAL_LEADS = (b"\xf0", b"\xf1", b"\xf2", b"\xf3", b"\xf4")


class BodyError(Exception):
    """A body that cannot be read within the rules (too large, unsupported or stacked encoding)."""


class Body:
    """Accumulates one response body, decoded, refusing to pass ``limit`` decoded bytes."""

    __slots__ = ("_fed", "_inflater", "_probe", "data", "limit")

    def __init__(self, content_encoding: str | None, limit: int) -> None:
        self.limit = limit
        self.data = bytearray()
        #: Whether any raw byte came: no bytes at all is an empty body, not a truncated stream.
        self._fed = False
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
        if chunk:
            self._fed = True
        if self._probe is not None:
            self._feed_probing(chunk)
            return
        try:
            self._inflate(chunk)
        except zlib.error as exc:
            raise BodyError(f"corrupt compressed body: {exc}") from None

    def finish(self) -> bytes:
        """The whole decoded body (after the last chunk)."""
        if self._inflater is not None and self._fed:
            try:
                self._inflate(b"")
                self._add(self._inflater.flush(STEP))
            except zlib.error as exc:
                raise BodyError(f"corrupt compressed body: {exc}") from None
            if not self._inflater.eof:
                raise BodyError("truncated compressed body: the stream ends before its end marker")
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
        inflater = self._inflater
        assert inflater is not None
        data = chunk
        while True:
            out = inflater.decompress(data, STEP)
            self._add(out)
            if inflater.eof and (inflater.unused_data or inflater.unconsumed_tail):
                raise BodyError(
                    "damaged compressed body: bytes after the end of the stream (a second gzip"
                    " member or trailing data)"
                )
            data = inflater.unconsumed_tail
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


class ConstantError(ValueError):
    """A JSON text holds NaN, Infinity or -Infinity, which ``json.loads`` takes and JSON does not."""


def _not_json(constant: str) -> NoReturn:
    raise ConstantError(f"{constant} is not JSON (RFC 8259 has no NaN or infinities)")


#: The stdlib's decoder, refusing NaN/Infinity/-Infinity; built once (``json.loads(s, **kw)``
#: would build a decoder and its scanner on every call).
_DECODER = json.JSONDecoder(parse_constant=_not_json)


def decode_budget(limit: int) -> int:
    """The memory decoding one body may take, for the body size cap ``limit``."""
    return max(MEMORY_FACTOR * limit, MIN_DECODE_BUDGET)


def decode_cost(data: bytes) -> int:
    """An upper bound of the bytes ``json.loads(data)`` holds at its peak, data included: the body,
    its text (1, 2 or 4 bytes per character, as CPython stores it), the string values (4 bytes per
    character when a ``\\u`` escape may name a character beyond U+FFFF), as much again for the
    scanner's pieces (a number's digits, a string being unescaped), and the objects, by the
    structural characters that make them (those inside strings are counted too: only ever more)."""
    size = len(data)
    if data.isascii():
        text_width = 1
        value_width = 4 if b"\\u" in data else 1
    else:
        text_width = 4 if any(lead in data for lead in _ASTRAL_LEADS) else 2
        value_width = 4 if b"\\u" in data else text_width
    objects = sum(data.count(char) * cost for char, cost in _STRUCTURE_COSTS)
    return size * (1 + text_width + 2 * value_width) + objects


def load_json(data: bytes, budget: int) -> Any:
    """The JSON value of data. ValueError when data is not JSON (NaN and infinities included);
    BodyError when decoding it could take more than budget bytes (nothing is built then)."""
    if len(data) * WORST_BYTE_COST > budget:
        cost = decode_cost(data)
        if cost > budget:
            raise BodyError(
                f"response body of {len(data)} bytes is too dense to decode: its JSON values could"
                f" take up to {cost // 2**20} MiB, over the {budget // 2**20} MiB allowed for decoding"
                f" ({MEMORY_FACTOR} x max_response_bytes, at least {MIN_DECODE_BUDGET // 2**20} MiB)"
            )
    return _DECODER.decode(data.decode(json.detect_encoding(data), "surrogatepass"))
