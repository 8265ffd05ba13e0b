"""Unusable input ends with exit 2 and exactly one `error:` line, for `diff`, `lint` and `report`."""

from __future__ import annotations

import contextlib
import io
import json
import math
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scripts import trim
from scripts.cli import main
from scripts.specdiff import yamlload

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "specdiff"
HOSTILE = FIXTURES / "_hostile"
GOOD = FIXTURES / "path-added" / "base.yaml"
GOOD_TEXT = GOOD.read_text(encoding="utf-8")

# fixture -> what its one error line says
EXPECTED = {
    "alias-bomb.yaml": "excessive aliasing",
    "binary.yaml": "binary file",
    "deep-nesting.yaml": f"nesting deeper than {yamlload.MAX_DEPTH} levels",
    "duplicate-key.yaml": "duplicate key 'Job' at line 18",
    "empty.yaml": "empty",
    "openapi-4.yaml": "unsupported OpenAPI version '4.0.0'",
    "recursive-alias.yaml": "recursive alias *r",
    "ref-cycle-allof.yaml": "$ref cycle without content",
    "ref-cycle.yaml": "$ref cycle without content",
    "several-documents.yaml": "several YAML documents",
    "swagger-2.yaml": "Swagger 2.0 (OpenAPI 2) is not supported",
}


def run(argv: list[str]) -> tuple[int, str, str]:
    """The CLI in-process: (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(argv)
    return status, out.getvalue(), err.getvalue()


def assert_unusable(argv: list[str]) -> str:
    """Exit 2, nothing on stdout, exactly one line on stderr, starting with `error: `; return it."""
    status, out, err = run(argv)
    assert status == 2, (argv, out, err)
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    return lines[0]


COMMANDS = ("diff-revision", "diff-base", "lint", "report")


def commands(spec: Path, tmp: Path) -> list[list[str]]:
    return [
        ["diff", str(GOOD), str(spec)],
        ["diff", str(spec), str(GOOD), "--format", "json"],
        ["lint", str(spec)],
        ["report", "--upstream", str(upstream_with(spec, tmp))],
    ]


def upstream_with(spec: Path, tmp: Path) -> Path:
    """A small upstream folder whose OpenAI history ends with spec (Portkey's is two good files)."""
    root = tmp / "upstream"
    for vendor in ("openai", "portkey"):
        history = root / vendor / "fine_tuning_history"
        history.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(GOOD, history / "1.yaml")
        last = spec if vendor == "openai" else GOOD
        (history / "2.yaml").write_bytes(last.read_bytes())
        index = [{"file": "1.yaml", "openapi": "3.1.0"}, {"file": "2.yaml", "openapi": "3.1.0"}]
        (history / "index.json").write_text(json.dumps(index), encoding="utf-8")
        shutil.copyfile(GOOD, root / vendor / "openapi.yaml")
    return root


def test_every_hostile_fixture_is_listed() -> None:
    """Each file of _hostile/ has its expected message here (and each message a file)."""
    assert sorted(p.name for p in HOSTILE.iterdir()) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
@pytest.mark.parametrize("command", COMMANDS)
def test_hostile_fixture_is_one_error_line(name: str, command: str, tmp_path: Path) -> None:
    """Alias bombs, deep nesting, recursive aliases, $ref cycles, bad versions, Swagger 2.0,
    duplicate keys, empty and binary files, several documents: exit 2 and one line naming the cause."""
    argv = dict(zip(COMMANDS, commands(HOSTILE / name, tmp_path), strict=True))
    line = assert_unusable(argv[command])
    assert EXPECTED[name] in line


@pytest.mark.parametrize("command", ["diff", "lint"])
def test_directory_says_it_is_a_directory(command: str, tmp_path: Path) -> None:
    """A directory as a side is named as one, not as a missing file."""
    argv = ["diff", str(GOOD), str(tmp_path)] if command == "diff" else ["lint", str(tmp_path)]
    assert "is a directory" in assert_unusable(argv)


def test_report_with_a_missing_or_broken_index(tmp_path: Path) -> None:
    """`report --upstream` on a folder without a history, or with a malformed index: one error line."""
    assert "history index" in assert_unusable(["report", "--upstream", str(tmp_path)])
    root = upstream_with(GOOD, tmp_path)
    (root / "openai" / "fine_tuning_history" / "index.json").write_text('[{"name": 1}]', encoding="utf-8")
    assert "history index" in assert_unusable(["report", "--upstream", str(root)])


def test_good_upstream_folder_reports(tmp_path: Path) -> None:
    """The helper folder with only good files gives a report (exit 0): the errors above are the files'."""
    status, out, err = run(["report", "--upstream", str(upstream_with(GOOD, tmp_path))])
    assert status == 0, err
    assert out.startswith("# Contract history")


@pytest.mark.parametrize("name", ["alias-bomb.yaml", "deep-nesting.yaml"])
def test_hostile_input_in_a_subprocess(name: str) -> None:
    """From the shell as CI runs it: exit status 2, one stderr line, no traceback (and no hang)."""
    proc = subprocess.run(
        [sys.executable, "-m", "scripts.cli", "diff", str(GOOD), str(HOSTILE / name)],
        cwd=trim.ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and proc.stderr.startswith("error: ")


# --- generated hostile YAML --------------------------------------------------------------------

NAMES = st.from_regex(r"[a-z][a-z0-9_]{0,6}", fullmatch=True)


@st.composite
def alias_bomb(draw: st.DrawFn) -> str:
    """`x-a: &a [v, v, ...]`, then levels of lists of aliases to the previous level, past the limit."""
    width = draw(st.integers(2, 12))
    levels = math.ceil(math.log(2 * yamlload.MAX_EXPANDED_NODES) / math.log(width)) + 1
    prefix = draw(NAMES)
    flow = draw(st.booleans())
    lines = [f"x-{prefix}0: &{prefix}0 [" + ", ".join(["lol"] * width) + "]"]
    for i in range(1, levels):
        items = [f"*{prefix}{i - 1}"] * width
        if flow:
            lines.append(f"x-{prefix}{i}: &{prefix}{i} [" + ", ".join(items) + "]")
        else:
            lines.append(f"x-{prefix}{i}: &{prefix}{i}\n" + "".join(f"  - {a}\n" for a in items).rstrip())
    return "\n".join(lines)


@st.composite
def deep_nesting(draw: st.DrawFn) -> str:
    style = draw(st.sampled_from(["flow-seq", "flow-map", "block-map", "block-seq", "mixed"]))
    depth = draw(st.integers(yamlload.MAX_DEPTH + 1, 3000 if style.startswith("flow") else 600))
    key = draw(st.sampled_from(["x-unused", "x-deep", "info2"]))
    if style == "flow-seq":
        return f"{key}: " + "[" * depth + "]" * depth
    if style == "flow-map":
        return f"{key}: " + "{a: " * depth + "1" + "}" * depth
    if style == "mixed":
        return f"{key}: " + "[{a: " * (depth // 2) + "1" + "}]" * (depth // 2) + "\n"
    if style == "block-map":
        return f"{key}:\n" + "".join("  " * (i + 1) + "k:\n" for i in range(depth)) + "  " * (depth + 1) + "1"
    return f"{key}:\n" + "".join("  " * (i + 1) + "-\n" for i in range(depth)) + "  " * (depth + 1) + "1"


@st.composite
def duplicate_key(draw: st.DrawFn) -> str:
    if draw(st.booleans()):
        return draw(st.sampled_from(["openapi: 3.1.0", "paths: {}", "info: {title: t, version: '2'}"]))
    key = draw(NAMES)
    return f"x-dup: {{{key}: 1, other: 2, {key}: 3}}"


BAD_VERSIONS = st.one_of(
    st.builds("{}.{}.{}".format, st.integers(4, 99), st.integers(0, 9), st.integers(0, 9)),
    st.builds("3.{}.{}".format, st.integers(2, 9), st.integers(0, 9)),
    st.builds("{}.{}.{}".format, st.integers(0, 2), st.integers(0, 9), st.integers(0, 9)),
    st.sampled_from(["3.1", "3", "3.0", "'3.1'", "null", "true", "[3.1.0]", "{v: 3}", "''", "v3.1.0"]),
)

TAGS = st.sampled_from(
    ["!!python/object:os.system", "!custom", "!!set", "!!omap", "!<tag:example.com,2000:x>"]
)


def replace_version(text: str, version: str) -> str:
    return text.replace("openapi: 3.1.0", f"openapi: {version}", 1)


def cycle_components(length: int, wrappers: list[str]) -> str:
    """components whose Job is a chain of `length` schemas that only wrap the next one, back to Job."""
    names = ["Job"] + [f"S{i}" for i in range(1, length)]
    lines = ["components:", "  schemas:"]
    for i, name in enumerate(names):
        target = f'{{$ref: "#/components/schemas/{names[(i + 1) % length]}"}}'
        wrapper = wrappers[i % len(wrappers)]
        body = target if wrapper == "$ref" else f"{{{wrapper}: [{target}], description: wraps}}"
        lines.append(f"    {name}: {body}")
    return "\n".join(lines)


@st.composite
def hostile_text(draw: st.DrawFn) -> bytes:
    """A usable spec made unusable by one generated defect."""
    kind = draw(
        st.sampled_from(
            [
                "bomb", "deep", "dup", "version", "swagger", "cycle", "recursive-alias", "undefined-alias",
                "tag", "documents", "not-mapping", "binary", "not-utf8", "blank", "dangling-ref",
                "remote-ref", "huge-int", "no-paths", "wrong-type",
            ]
        )
    )  # fmt: skip
    text = GOOD_TEXT
    if kind == "bomb":
        text += "\n" + draw(alias_bomb()) + "\n"
    elif kind == "deep":
        text += "\n" + draw(deep_nesting()) + "\n"
    elif kind == "dup":
        text += "\n" + draw(duplicate_key()) + "\n"
    elif kind == "version":
        text = replace_version(text, draw(BAD_VERSIONS))
    elif kind == "swagger":
        text = text.replace("openapi: 3.1.0", f"swagger: '{draw(st.sampled_from(['2.0', '1.2']))}'", 1)
    elif kind == "cycle":
        length = draw(st.integers(1, 5))
        wrappers = draw(
            st.lists(st.sampled_from(["$ref", "allOf", "anyOf", "oneOf"]), min_size=1, max_size=3)
        )
        head = text.split("components:")[0]
        text = head + cycle_components(length, wrappers) + "\n"
    elif kind == "recursive-alias":
        name = draw(NAMES)
        text += f"\nx-r: &{name} [1, {{a: [*{name}]}}]\n"
    elif kind == "undefined-alias":
        text += f"\nx-u: *{draw(NAMES)}undefined\n"
    elif kind == "tag":
        text += f"\nx-t: {draw(TAGS)} {draw(st.sampled_from(['a', '[1]', '{a: 1}', 'null']))}\n"
    elif kind == "documents":
        text += "\n---\n" + draw(st.sampled_from(["a: 1", "openapi: 3.1.0", "[]", "x"])) + "\n"
    elif kind == "not-mapping":
        text = draw(
            st.sampled_from(["- openapi: 3.1.0\n", "openapi\n", "42\n", "[1, 2]\n", "'openapi: 3.1.0'\n"])
        )
    elif kind == "binary":
        raw = draw(st.binary(max_size=200))
        cut = draw(st.integers(0, len(raw)))
        return raw[:cut] + b"\x00" + raw[cut:]
    elif kind == "not-utf8":
        cut = draw(st.integers(0, len(GOOD_TEXT)))
        return (
            GOOD_TEXT[:cut].encode() + b"\xff\xfe" + draw(st.binary(max_size=20)) + GOOD_TEXT[cut:].encode()
        )
    elif kind == "blank":
        return draw(st.sampled_from(["", "\n", "   \n\t\n", "# only a comment\n", "---\n", "...\n"])).encode()
    elif kind == "dangling-ref":
        text = text.replace("#/components/schemas/Job", f"#/components/schemas/{draw(NAMES)}Missing", 1)
    elif kind == "remote-ref":
        url = draw(st.sampled_from(["other.yaml#/Job", "https://example.invalid/x.yaml", "Job"]))
        text = text.replace("#/components/schemas/Job", url, 1)
    elif kind == "wrong-type":  # a node of a type OpenAPI does not allow there
        key = draw(st.sampled_from(["responses:", "parameters:", "paths:", "security:", "required:"]))
        value = draw(st.sampled_from(["5", "'text'", "true", "[[1]]" if key != "required:" else "{a: 1}"]))
        indent = re.search(rf"^( *){key}$", text, re.MULTILINE)
        assert indent is not None
        at = indent.group(1)
        text = text.replace(f"\n{at}{key}\n", f"\n{at}{key} {value}\n{at}x-was-{key[:-1]}:\n", 1)
    elif kind == "huge-int":
        text += f"\nx-big: {'9' * draw(st.integers(5000, 6000))}\n"
    else:
        text = text.replace("paths:", "x-not-paths:", 1)
    return text.encode("utf-8")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hostile_text(), st.sampled_from(COMMANDS[:3]))
def test_generated_hostile_yaml_is_one_error_line(raw: bytes, command: str) -> None:
    """Generated hostile YAML, on either side of `diff` or given to `lint`: exit 2 and one `error:` line."""
    with tempfile.TemporaryDirectory() as tmp:
        spec = Path(tmp) / "hostile.yaml"
        spec.write_bytes(raw)
        argv = dict(zip(COMMANDS, commands(spec, Path(tmp)), strict=True))
        assert_unusable(argv[command])


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hostile_text())
def test_generated_hostile_history_fails_the_report(raw: bytes) -> None:
    """A hostile file in the history makes `report` exit 2 with one `error:` line."""
    with tempfile.TemporaryDirectory() as tmp:
        spec = Path(tmp) / "hostile.yaml"
        spec.write_bytes(raw)
        assert_unusable(["report", "--upstream", str(upstream_with(spec, Path(tmp)))])


def test_lint_deeply_nested_json_example_is_a_warning(tmp_path: Path) -> None:
    """An `x-oaiMeta` response nested 50,000 deep (JSON text, not YAML): an `example-unparseable`
    warning, no RecursionError."""
    head, tail = GOOD_TEXT.split("    get:\n", 1)
    deep = "[" * 50_000 + "]" * 50_000
    spec = tmp_path / "deep-example.yaml"
    spec.write_text(
        f"{head}    get:\n      x-oaiMeta:\n        examples:\n          response: '{deep}'\n{tail}",
        encoding="utf-8",
    )
    status, out, err = run(["lint", str(spec), "--format", "json"])
    assert status == 0 and err == ""
    findings = json.loads(out)["findings"]
    assert [(f["id"], f["message"]) for f in findings] == [
        ("example-unparseable", "response example is not JSON: nested too deeply")
    ]
