"""Tests for scripts/trim.py: closure, determinism, header, versions, anchors, titles, errors."""

from __future__ import annotations

import hashlib
import random
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from openapi_python_client.strings import pascal_case
from openapi_spec_validator import validate

from scripts import trim

FIXTURES = Path(__file__).parent.parent / "fixtures" / "trim"
MINI = FIXTURES / "mini.yaml"
SKIP_KEYS = ("example", "examples", "default", "enum", "const")
#: The mini fixture's kept paths: its /files path plays the part of one the trim drops.
FINE_TUNING_ONLY = ("/fine_tuning/",)


@pytest.fixture(scope="module")
def upstream() -> dict[str, Any]:
    """The two full upstream specs, parsed once for the module."""
    return {name: trim.load_spec(source) for name, (source, _) in trim.SOURCES.items()}


@pytest.fixture(scope="module")
def rendered() -> dict[str, str]:
    """The two upstream specs trimmed and overlaid exactly as `make regen` does."""
    return {
        name: trim.render(source, overlay_files=trim.overlays_for(committed))
        for name, (source, committed) in trim.SOURCES.items()
    }


def _reachable(doc: dict[str, Any]) -> set[str]:
    """Every '#/components/...' ref reachable from paths and security, computed independently."""
    seen: set[str] = set()
    pending = list(trim.iter_refs(doc["paths"]))
    while pending:
        ref = pending.pop()
        if ref in seen:
            continue
        seen.add(ref)
        kind, name = ref.removeprefix("#/components/").split("/")
        pending.extend(trim.iter_refs(doc["components"][kind][name]))
    return seen


def _components(doc: dict[str, Any]) -> set[str]:
    return {
        f"#/components/{kind}/{name}"
        for kind, items in doc.get("components", {}).items()
        if kind != "securitySchemes"
        for name in items
    }


def _titles(node: Any, top: bool = True) -> list[str]:
    """Titles of inline schemas below node (not the node's own title when top)."""
    found: list[str] = []
    if isinstance(node, dict):
        if not top and isinstance(node.get("title"), str):
            found.append(node["title"])
        for key, value in node.items():
            if key not in SKIP_KEYS:
                found.extend(_titles(value, False))
    elif isinstance(node, list):
        for value in node:
            found.extend(_titles(value, False))
    return found


def _class_names(schemas: dict[str, Any]) -> Counter[str]:
    """The model class names the generator derives: a schema's title if it has one, else its name."""
    names: Counter[str] = Counter()
    for name, schema in schemas.items():
        names[pascal_case(schema.get("title") or name)] += 1
        names.update(pascal_case(t) for t in _titles(schema))
    return names


@pytest.mark.parametrize("name", ["openai", "portkey"])
def test_real_spec_trims_to_a_valid_spec(name: str, rendered: dict[str, str]) -> None:
    """Trimming (and overlaying) each real upstream spec gives a document openapi-spec-validator accepts."""
    doc = trim.load_spec_text(rendered[name], name)
    validate(doc)
    assert set(doc["paths"]) >= {"/fine_tuning/jobs", "/fine_tuning/jobs/{fine_tuning_job_id}"}
    assert all(p.startswith(("/fine_tuning/", "/files", "/uploads")) for p in doc["paths"])
    if name == "openai":  # the whole namespace, permissions and graders too, and files and Uploads
        assert set(doc["paths"]) >= {
            "/files",
            "/files/{file_id}",
            "/files/{file_id}/content",
            "/uploads",
            "/uploads/{upload_id}/parts",
            "/uploads/{upload_id}/complete",
            "/uploads/{upload_id}/cancel",
            "/fine_tuning/checkpoints/{fine_tuned_model_checkpoint}/permissions",
            "/fine_tuning/checkpoints/{fine_tuned_model_checkpoint}/permissions/{permission_id}",
            "/fine_tuning/alpha/graders/run",
            "/fine_tuning/alpha/graders/validate",
        }


@pytest.mark.parametrize("name", ["openai", "portkey"])
def test_real_closure_has_no_unreferenced_component_and_no_dangling_ref(
    name: str, rendered: dict[str, str]
) -> None:
    """Every kept component is reachable from the kept paths, and every $ref resolves; a schema an
    overlay adds for the client alone says so (``x-ftjobs-unreferenced``) and is the only exception."""
    doc = trim.load_spec_text(rendered[name], name)
    reachable = _reachable(doc)  # raises KeyError on a dangling ref
    declared = {
        f"#/components/schemas/{key}"
        for key, schema in doc.get("components", {}).get("schemas", {}).items()
        if "x-ftjobs-unreferenced" in schema
    }
    assert reachable == _components(doc) - declared
    assert not reachable & declared
    used_schemes = {s for req in doc.get("security", []) for s in req} | {
        s
        for item in doc["paths"].values()
        for op in item.values()
        if isinstance(op, dict)
        for req in op.get("security", [])
        for s in req
    }
    assert set(doc["components"].get("securitySchemes", {})) == used_schemes


def test_closure_of_fixture_keeps_exactly_what_is_referenced() -> None:
    """The mini spec keeps the job schemas, the cycle, the parameter and the used scheme, nothing else
    (its /files stands for a path outside the kept prefixes)."""
    doc, _ = trim.load_spec(MINI)
    out = trim.trim(doc, FINE_TUNING_ONLY)
    assert list(out["paths"]) == ["/fine_tuning/jobs", "/fine_tuning/jobs/{job_id}"]
    assert list(out["components"]["schemas"]) == ["GatewayJob", "Job", "JobList", "Node", "Status"]
    assert list(out["components"]["parameters"]) == ["JobId"]
    assert list(out["components"]["securitySchemes"]) == ["ApiKey"]
    assert out["tags"] == [{"name": "FineTuning"}]
    assert "x-servers" not in out


def test_dangling_ref_raises_spec_error_naming_the_ref() -> None:
    """A $ref to a component that does not exist is a SpecError naming the ref."""
    doc, _ = trim.load_spec(FIXTURES / "dangling.yaml")
    with pytest.raises(trim.SpecError, match=r"dangling \$ref '#/components/schemas/Missing'"):
        trim.trim(doc)


def test_external_ref_is_rejected() -> None:
    """A $ref into another file is reported as unsupported instead of being dropped silently."""
    doc, _ = trim.load_spec(MINI)
    doc["components"]["schemas"]["Status"] = {"$ref": "other.yaml#/Status"}
    with pytest.raises(trim.SpecError, match=r"unsupported \$ref 'other.yaml#/Status'"):
        trim.trim(doc)


def test_trim_is_deterministic_and_independent_of_component_order() -> None:
    """Rendering twice gives the same bytes, and shuffling the input's components changes nothing."""
    first = trim.render(MINI)
    assert trim.render(MINI) == first
    doc, raw = trim.load_spec(MINI)
    schemas = list(doc["components"]["schemas"].items())
    random.Random(4).shuffle(schemas)
    doc["components"]["schemas"] = dict(reversed(schemas))
    assert trim.header("trim/mini.yaml", raw, []) + trim.dump_yaml(trim.trim(doc)) == first


@pytest.mark.parametrize("name", ["openai", "portkey"])
def test_real_render_is_deterministic_and_round_trips(name: str, rendered: dict[str, str]) -> None:
    """A second render of the real spec is byte-identical, and its YAML reloads to the same document."""
    source, committed = trim.SOURCES[name]
    assert trim.render(source, overlay_files=trim.overlays_for(committed)) == rendered[name]
    doc = trim.load_spec_text(rendered[name], name)
    assert trim.load_yaml_text(trim.dump_yaml(doc), name) == doc


@pytest.mark.parametrize("name", ["openai", "portkey"])
def test_header_names_source_and_hash_without_machine_path(name: str, rendered: dict[str, str]) -> None:
    """The header gives the source relative to upstream/ and its SHA-256, never an absolute path."""
    source, _ = trim.SOURCES[name]
    header = [line for line in rendered[name].splitlines() if line.startswith("#")]
    assert f"# source: upstream/{name}/openapi.yaml" in header
    assert f"# sha256: {hashlib.sha256(source.read_bytes()).hexdigest()}" in header
    text = "\n".join(header)
    assert str(trim.ROOT.parent) not in text
    assert str(Path.home()) not in text
    assert not re.search(r"(^|\s)/\w", text.replace("/fine_tuning/jobs", ""))


def test_display_name_outside_upstream_is_relative(tmp_path: Path) -> None:
    """A source outside upstream/ is named by its last two path parts, not by its absolute path."""
    assert trim.display_name(tmp_path / "specs" / "x.yaml") == "specs/x.yaml"


@pytest.mark.parametrize(("name", "version"), [("openai", "3.1.0"), ("portkey", "3.0.0")])
def test_output_keeps_the_input_openapi_version(name: str, version: str, rendered: dict[str, str]) -> None:
    """OpenAI stays OpenAPI 3.1 and Portkey stays 3.0: the trim never converts."""
    assert trim.load_spec_text(rendered[name], name)["openapi"] == version
    assert trim.load_spec_text(trim.render(MINI), "mini")["openapi"] == "3.0.3"


def test_portkey_input_uses_anchors_and_output_has_none(rendered: dict[str, str]) -> None:
    """The Portkey upstream uses YAML anchors; the trimmed text has no anchor and no alias."""
    source, _ = trim.SOURCES["portkey"]
    alias = re.compile(r"(:|^\s*-)\s+[&*][A-Za-z_]\w*\s*$", re.MULTILINE)
    assert alias.search(source.read_text(encoding="utf-8"))
    for text in (rendered["portkey"], rendered["openai"], trim.render(MINI)):
        assert not alias.search(text)
    servers = trim.load_spec_text(rendered["portkey"], "portkey")["paths"]["/fine_tuning/jobs"]["servers"]
    assert servers[0]["url"].startswith("https://")


def test_aliased_nodes_become_independent_copies() -> None:
    """Two places sharing one YAML anchor are separate objects after trim, so an edit to one stays there."""
    doc, _ = trim.load_spec(MINI)
    paths = doc["paths"]
    assert paths["/fine_tuning/jobs"]["servers"] is paths["/fine_tuning/jobs/{job_id}"]["servers"]
    out = trim.trim(doc, FINE_TUNING_ONLY)
    first, second = (out["paths"][p]["servers"] for p in out["paths"])
    assert first == second
    assert first is not second
    first.append({"url": "https://other.test"})
    assert len(second) == 1


def test_recursive_alias_is_a_spec_error() -> None:
    """A document that contains itself through an alias raises SpecError, not RecursionError."""
    doc, _ = trim.load_spec(MINI)
    loop: list[Any] = []
    loop.append(loop)
    doc["paths"]["/fine_tuning/jobs"]["x-loop"] = loop
    with pytest.raises(trim.SpecError, match="recursive"):
        trim.trim(doc)


def test_upstream_portkey_has_colliding_model_names(upstream: dict[str, Any]) -> None:
    """Upstream Portkey titles BedrockFinetuneJob 'Bedrock Params', the class name of BedrockParams too."""
    doc = upstream["portkey"][0]
    closure = trim.component_closure(doc, [trim.select_paths(doc, trim.DEFAULT_PATH_PREFIXES)])
    schemas = {name: doc["components"]["schemas"][name] for name in closure["schemas"]}
    collisions = {name for name, count in _class_names(schemas).items() if count > 1}
    assert "BedrockParams" in collisions


@pytest.mark.parametrize("name", ["openai", "portkey"])
def test_model_names_are_unique_after_trim(name: str, rendered: dict[str, str]) -> None:
    """After trim every titled schema gives a distinct class name, so the generator drops no model."""
    schemas = trim.load_spec_text(rendered[name], name)["components"]["schemas"]
    assert all(schema["title"] == key for key, schema in schemas.items())
    names = _class_names(schemas)
    assert [n for n, count in names.items() if count > 1] == []


def test_colliding_inline_titles_are_dropped() -> None:
    """Two inline schemas both titled 'Hyper' lose their title; the component keeps its own name."""
    out = trim.trim(trim.load_spec(MINI)[0])
    job = out["components"]["schemas"]["Job"]
    assert job["title"] == "Job"
    assert "title" not in job["properties"]["hyperparameters"]
    assert "title" not in job["properties"]["method"]["properties"]["hyperparameters"]


def test_single_ref_allof_with_own_properties_is_split() -> None:
    """`allOf: [$ref]` beside own properties becomes `allOf: [$ref, {own}]`, which the generator models."""
    gateway = trim.trim(trim.load_spec(MINI)[0])["components"]["schemas"]["GatewayJob"]
    assert gateway["allOf"] == [
        {"$ref": "#/components/schemas/Job"},
        {"type": "object", "properties": {"gateway": {"type": "string"}}, "required": ["gateway"]},
    ]
    assert "properties" not in gateway
    assert "required" not in gateway


def test_yaml_dates_stay_strings() -> None:
    """An unquoted date in an example stays the string it is in JSON, not a datetime.date."""
    out = trim.trim(trim.load_spec(MINI)[0])
    assert out["components"]["schemas"]["Job"]["properties"]["created"]["example"] == "2024-01-01"


def test_paths_option_chooses_other_prefixes(tmp_path: Path) -> None:
    """--paths /files keeps only /files and the components it reaches."""
    output = tmp_path / "files.yaml"
    assert trim.main([str(MINI), "--paths", "/files", "-o", str(output)]) == 0
    doc = trim.load_spec_text(output.read_text(encoding="utf-8"), "files")
    assert list(doc["paths"]) == ["/files"]
    assert list(doc["components"]["schemas"]) == ["File"]
    both = trim.trim(trim.load_spec(MINI)[0], ["/files", "/fine_tuning/jobs/{"])
    assert list(both["paths"]) == ["/fine_tuning/jobs/{job_id}", "/files"]


def test_prefix_matching_nothing_is_a_spec_error() -> None:
    """A prefix that selects no path is an error, not an empty spec."""
    with pytest.raises(trim.SpecError, match="no path starts with"):
        trim.trim(trim.load_spec(MINI)[0], ["/nothing"])


@pytest.mark.parametrize(
    ("fixture", "message"),
    [
        ("missing.yaml", r"missing\.yaml: cannot read"),
        ("not_yaml.yaml", r"not_yaml\.yaml: not valid YAML"),
        ("not_openapi.yaml", r"not_openapi\.yaml: not an OpenAPI 3 document"),
        ("no_paths.yaml", r"no_paths\.yaml: the document has no 'paths' mapping"),
        ("dangling.yaml", r"dangling \$ref '#/components/schemas/Missing'"),
    ],
)
def test_broken_input_is_a_spec_error_and_cli_exit_2(
    fixture: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each broken input raises SpecError with a clear message; the CLI prints it and exits 2."""
    path = FIXTURES / fixture
    with pytest.raises(trim.SpecError, match=message):
        trim.render(path)
    output = tmp_path / "out.yaml"
    assert trim.main([str(path), "-o", str(output)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ")
    assert re.search(message, err)
    assert not output.exists()


def test_cli_writes_to_stdout_without_output(capsys: pytest.CaptureFixture[str]) -> None:
    """With a file source and no -o the trimmed spec goes to stdout, header first."""
    assert trim.main([str(MINI)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# Trimmed by scripts/trim.py")
    assert "# source: trim/mini.yaml" in out
