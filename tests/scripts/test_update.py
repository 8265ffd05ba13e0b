"""`ftjobs-spec update` (scripts/update.py, scripts/release.py, overlay status in scripts/overlays.py).

Overlay status: one fixture pair (tests/fixtures/update/spec.yaml + overlays/<outcome>.yaml) per
outcome. The end-to-end tests run on a small copy of the project built from two real upstream
versions (2026-05-13 -> 2026-07-15); each distinct spec is generated once per module.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from scripts import cli, overlays, regen, release, trim, update
from scripts.specdiff.client_impact import ApiChange
from scripts.specdiff.model import Change
from scripts.update_history import HISTORY, OVERLAYS, CachedGenerator, bootstrap

FIXTURES = Path(__file__).parent.parent / "fixtures" / "update"
BASE_VERSION = HISTORY / "2026-05-13_5162af9.yaml"
NEW_VERSION = HISTORY / "2026-07-15_535f5dc.yaml"
# The overlays whose targets exist in both versions (07 targets the graders, absent from the history).
BASE_OVERLAYS = sorted(OVERLAYS.glob("0[1-6]-*.yaml"))


def _spec() -> dict[str, Any]:
    return trim.load_spec(FIXTURES / "spec.yaml")[0]


def _report(name: str, doc: dict[str, Any] | None = None) -> tuple[overlays.OverlayReport, dict[str, Any]]:
    doc = _spec() if doc is None else doc
    path = FIXTURES / "overlays" / f"{name}.yaml"
    return overlays.apply_checked(doc, overlays.load_overlay(path), path.name), doc


# -- overlay status ---------------------------------------------------------------------------------


def test_overlay_applied_changes_the_document() -> None:
    """An action whose target holds less than the update is applied."""
    report, doc = _report("applied")
    assert report.status == "applied"
    assert doc["components"]["schemas"]["Job"]["properties"]["status"]["enum"][-1] == "cancelled"


def test_overlay_obsolete_changes_nothing_and_gives_the_evidence() -> None:
    """Upstream already lists "paused" and already has code nullable: both actions obsolete, the
    document is byte-identical, and the evidence quotes what the target holds."""
    before = _spec()
    report, doc = _report("obsolete")
    assert report.status == "obsolete"
    assert [a.status for a in report.actions] == ["obsolete", "obsolete"]
    assert doc == before  # appending "paused" again would have duplicated it
    assert '["paused"]' in report.actions[0].evidence
    assert '{"type": ["string", "null"]}' in report.actions[1].evidence
    assert "applying it changes nothing" in report.summary()


def test_overlay_target_moved_is_conflicting_naming_what_was_found() -> None:
    """A 3.1-style target (error.anyOf[0]...) in a spec where error is a plain object: conflicting,
    with the deepest part that exists and where a `code` exists instead."""
    report, doc = _report("conflicting-moved")
    assert report.status == "conflicting"
    evidence = report.actions[0].evidence
    assert evidence.startswith("matches nothing at $.components.schemas.Job.properties.error.anyOf[0]")
    assert (
        "found $.components.schemas.Job.properties.error: a mapping with keys [type, properties]" in evidence
    )
    assert "code exists elsewhere: $.components.schemas.Job.properties.error.properties.code" in evidence
    assert doc == _spec()


def test_overlay_target_of_another_kind_is_conflicting() -> None:
    """A mapping update whose target is now a string cannot apply (oas-patch would overwrite it)."""
    report, doc = _report("conflicting-kind")
    assert report.status == "conflicting"
    assert (
        "the update is a mapping but $.components.schemas.Job.properties.note.description holds the str"
        in (report.actions[0].evidence)
    )
    assert doc == _spec()


def test_strict_apply_raises_on_conflict_and_skips_obsolete() -> None:
    """`apply` (used by trim/regen) agrees with the classification: same document as update writes."""
    with pytest.raises(overlays.SpecError, match=r"conflicting-kind\.yaml: action 0 .* the target changed"):
        overlays.apply_file(_spec(), FIXTURES / "overlays" / "conflicting-kind.yaml")
    assert overlays.apply_file(_spec(), FIXTURES / "overlays" / "obsolete.yaml") == _spec()


def test_partly_obsolete_overlay_is_applied_and_names_the_obsolete_action() -> None:
    """One action obsolete, one applied: the overlay is applied; the summary names the obsolete one."""
    overlay = overlays.load_overlay(FIXTURES / "overlays" / "obsolete.yaml")
    overlay["actions"][0]["update"] = ["paused", "failed"]
    report = overlays.apply_checked(_spec(), overlay, "mixed.yaml")
    assert report.status == "applied"
    assert [a.status for a in report.actions] == ["applied", "obsolete"]
    assert report.summary().startswith("action 1 obsolete: ")


# -- version bump and changelog ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("version", "impact", "expected"),
    [
        ("0.1.0", "breaking", "1.0.0"),
        ("0.1.3", "breaking", "1.0.0"),
        ("0.1.3", "added", "0.2.0"),
        ("0.1.3", "changed", "0.1.4"),
        ("0.1.3", "none", None),
        ("1.4.2", "breaking", "2.0.0"),
        ("1.4.2", "added", "1.5.0"),
        ("1.4.2", "changed", "1.4.3"),
        ("1.4.2", "none", None),
    ],
)
def test_bump_table(version: str, impact: release.Impact, expected: str | None) -> None:
    """The policy table of scripts/release.py (the same at 0.y.z: breaking -> major)."""
    assert release.bump(version, impact) == expected


@pytest.mark.parametrize("version", ["1.0", "v1.0.0", "1.0.0rc1", "01.0.0", ""])
def test_bump_rejects_a_version_it_cannot_read(version: str) -> None:
    with pytest.raises(trim.SpecError, match=r"is not X\.Y\.Z"):
        release.bump(version, "added")


def _change(rule: str, level: Any, op: str, message: str) -> Change:
    return Change(rule, level, "response", op, None, "/x", message)


def test_impact_is_the_worst_entry() -> None:
    """Breaking beats added beats changed; a content change no rule names is `changed`; none is none."""
    added = release.http_entries([_change("response-property-added", "info", "GET /a", "property x added")])
    breaking = release.api_entries([ApiChange("attribute-removed", "Job.x", "str")])
    assert release.impact_of(added + breaking, True) == "breaking"
    assert release.impact_of(added, True) == "added"
    assert release.impact_of([], True) == "changed"
    assert release.impact_of([], False) == "none"
    assert release.api_group(ApiChange("function-signature-changed", "api.x.f", "a -> b")) == "Breaking"
    assert release.http_group(_change("request-property-added-optional", "info", "", "")) == "Added"
    assert release.http_group(_change("response-enum-value-removed", "info", "", "")) == "Changed"


_SIG = "(*, client: Client, after: str | Unset=UNSET) -> Page"


@pytest.mark.parametrize(
    ("new", "added"),
    [
        (
            "(*, client: Client, after: str | Unset=UNSET, meta: Meta | Unset=UNSET) -> Page",
            ["meta: Meta | Unset=UNSET"],
        ),
        ("(*, client: Client, after: str | Unset=UNSET, meta: Meta) -> Page", None),  # required: breaks calls
        ("(*, client: Client) -> Page", None),  # a parameter removed
        ("(*, client: Client, after: str=UNSET, meta: int=1) -> Page", None),  # an annotation changed
        ("(*, client: Client, after: str | Unset=UNSET, meta: int=1) -> Page | None", None),  # the return
        ("(x, *, client: Client, after: str | Unset=UNSET, meta: int=1) -> Page", None),  # positional
    ],
)
def test_a_signature_change_is_an_addition_only_when_it_adds_optional_keywords(
    new: str, added: list[str] | None
) -> None:
    change = ApiChange("function-signature-changed", "api.jobs.list_.sync", f"{_SIG} -> {new}")
    assert release.added_parameters(change.detail) == added
    assert release.api_group(change) == ("Added" if added else "Breaking")
    text = release.api_entries([change])[0].text
    assert text.startswith("`ftjobs_generated.api.jobs.list_.sync`: ")
    assert ("optional keyword parameter(s) added: `meta" in text) == bool(added)


def test_a_required_attribute_is_a_breaking_addition() -> None:
    """A new attribute without Unset in its annotation is a new required constructor argument."""
    optional = ApiChange("attribute-added", "Job.seed", "int | Unset")
    required = ApiChange("attribute-added", "Job.seed", "int")
    assert release.api_group(optional) == "Added"
    assert release.api_group(required) == "Breaking"
    assert "required attribute added" in release.api_entries([required])[0].text


def test_changelog_entry_groups_links_rules_and_names_the_checksum() -> None:
    """Groups in order Breaking/Added/Changed/Fixed, callers before Python, one line per rule and
    message naming its operations, rule ids linked to docs/spec-diff.md, the upstream sha256."""
    changes = [
        _change("response-property-added", "info", f"GET /jobs/{i}", "response property seed added")
        for i in range(5)
    ]
    changes.append(
        _change("response-enum-value-added", "breaking", "GET /jobs", 'response enum gained "max"')
    )
    entries = release.http_entries(changes) + release.api_entries(
        [ApiChange("enum-member-added", "ReasoningEffort.MAX", "'max'")]
    )
    entries.append(release.Entry("Fixed", "upstream", "upstream now says what overlay `01-x.yaml` corrected"))
    note = release.ReleaseNote(
        "0.3.0", "0.2.1", "breaking", "upstream/openai/openapi.yaml", "a" * 64, "b" * 64, entries
    )
    text = note.markdown()
    assert text.startswith("## 0.3.0\n")
    assert f"sha256 `{'a' * 64}`" in text and f"`{'b' * 64}`" in text
    assert text.index("### Breaking") < text.index("### Added") < text.index("### Fixed")
    assert "### Changed" not in text
    assert "`GET /jobs/0`, `GET /jobs/1`, `GET /jobs/2` and 2 more: response property seed added" in text
    assert "([`response-property-added`](docs/spec-diff.md#rules))" in text
    assert "`ftjobs_generated.models.ReasoningEffort.MAX`: enum member added (`'max'`)" in text
    assert text.index("For callers") < text.index("For Python code")
    assert note.headline() == "0.3.0 (breaking): 1 breaking, 2 added, 1 fixed"


def test_changelog_prepend_puts_the_newest_entry_first() -> None:
    first = release.prepend("", "## 0.1.1\n\nfirst\n")
    assert first.startswith(release.CHANGELOG_HEADER.rstrip())
    both = release.prepend(first, "## 1.0.0\n\nsecond\n")
    assert both.index("## 1.0.0") < both.index("## 0.1.1") and both.count("# Changelog") == 1


def test_committed_changelog_starts_at_the_package_version() -> None:
    """CHANGELOG.md's newest entry is the version the package has (update writes both together)."""
    import ftjobs

    changelog = update.Project(trim.ROOT).changelog.read_text(encoding="utf-8")
    assert changelog.startswith(release.CHANGELOG_HEADER)
    newest = changelog.removeprefix(release.CHANGELOG_HEADER).lstrip().splitlines()[0]
    assert newest == f"## {ftjobs.__version__}"


def test_version_has_one_home() -> None:
    """pyproject's version is dynamic, read by hatchling from facade/ftjobs/_version.py."""
    from hatchling.metadata.core import ProjectMetadata
    from hatchling.plugin.manager import PluginManager

    import ftjobs

    metadata = ProjectMetadata(str(trim.ROOT), PluginManager())
    assert "version" in metadata.config["project"]["dynamic"]
    assert (
        metadata.version == ftjobs.__version__ == update.read_version(update.Project(trim.ROOT).version_file)
    )


# -- end to end on a copy of the project --------------------------------------------------------------


@pytest.fixture(scope="module")
def generator(tmp_path_factory: pytest.TempPathFactory) -> CachedGenerator:
    return CachedGenerator(tmp_path_factory.mktemp("generated-cache"), None)


@pytest.fixture(scope="module")
def base_project(tmp_path_factory: pytest.TempPathFactory, generator: CachedGenerator) -> update.Project:
    project = update.Project(tmp_path_factory.mktemp("base") / "project")
    project.root.mkdir()
    bootstrap(project, BASE_VERSION, BASE_OVERLAYS, generator)
    return project


@pytest.fixture
def project(base_project: update.Project, tmp_path: Path) -> update.Project:
    copy_root = tmp_path / "project"
    shutil.copytree(base_project.root, copy_root)
    return update.Project(copy_root)


def _fingerprint(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def test_update_regenerates_bumps_and_writes_the_changelog(
    project: update.Project, generator: CachedGenerator
) -> None:
    """A real upstream step: spec, generated/, server JSON, version and changelog move in together."""
    before = _fingerprint(project.root)
    plan = update.update(project, NEW_VERSION, None, tools=generator)
    assert plan.status == "updated"
    assert [r.status for r in plan.openai.overlays] == ["applied"] * len(BASE_OVERLAYS)
    assert plan.diff is not None and plan.diff.count("breaking") >= 1  # "max" joins a response enum
    assert plan.impact == "breaking"
    assert update.read_version(project.version_file) == "1.0.0"
    changelog = project.changelog.read_text(encoding="utf-8")
    assert changelog.index("## 1.0.0") > changelog.index("# Changelog")
    assert hashlib.sha256(NEW_VERSION.read_bytes()).hexdigest() in changelog
    assert "`ftjobs_generated.models.ReasoningEffort.MAX`: enum member added" in changelog
    after = _fingerprint(project.root)
    changed = {path for path in after if after[path] != before.get(path)}
    assert {"openapi/fine_tuning.yaml", "CHANGELOG.md", "facade/ftjobs/_version.py"} <= changed
    assert "generated/ftjobs_generated/models/prompt_cache_breakpoint_config.py" in changed
    assert json.loads(project.spec_json.read_text(encoding="utf-8")) == trim.load_spec(project.spec)[0]
    assert not [p for p in project.root.iterdir() if p.name.startswith(".ftjobs-update-")]
    again = update.update(project, NEW_VERSION, None, tools=generator)
    assert again.status == "nothing-to-do"


def test_a_new_checksum_with_the_same_content_is_written_without_a_release(
    project: update.Project, tmp_path: Path
) -> None:
    """Upstream bytes changed outside the trimmed paths: the spec's header records the new checksum;
    the generated client, the version and the changelog stay as they were."""
    upstream = tmp_path / "openapi.yaml"
    upstream.write_text(BASE_VERSION.read_text(encoding="utf-8") + "# a comment upstream\n", encoding="utf-8")
    before = _fingerprint(project.root)
    plan = update.update(project, upstream, None)
    assert plan.status == "updated" and plan.note is None and plan.impact == "none"
    assert update.render_text(plan).startswith(
        "updated: no release, the generated client is the same (changed: openapi/fine_tuning.yaml header)"
    )
    after = _fingerprint(project.root)
    assert {path for path in after if after[path] != before.get(path)} == {"openapi/fine_tuning.yaml"}
    assert hashlib.sha256(upstream.read_bytes()).hexdigest() in project.spec.read_text(encoding="utf-8")


def test_dry_run_prints_the_plan_and_writes_nothing(
    project: update.Project, generator: CachedGenerator
) -> None:
    before = _fingerprint(project.root)
    plan = update.update(project, NEW_VERSION, None, dry_run=True, tools=generator)
    assert plan.status == "planned"
    assert plan.new_version == "1.0.0"
    text = update.render_text(plan)
    assert text.startswith("planned (dry run): version 0.1.0 -> 1.0.0 (breaking)")
    assert "would write: openapi/fine_tuning.yaml, generated/ftjobs_generated" in text
    assert "### Breaking" in text
    assert json.loads(update.render_json(plan))["version"] == {
        "current": "0.1.0",
        "new": "1.0.0",
        "impact": "breaking",
    }
    assert _fingerprint(project.root) == before


def _cli(project: update.Project, *args: str) -> int:
    return cli.main(["update", str(NEW_VERSION), "--project", str(project.root), *args])


def test_check_exits_1_when_behind_and_0_when_current(
    project: update.Project, capsys: pytest.CaptureFixture[str]
) -> None:
    """--check generates nothing: exit 1 names the stale spec; against its own version it is 0."""
    assert _cli(project, "--check", "--portkey", str(NEW_VERSION)) == 1
    out = capsys.readouterr().out
    assert out.startswith("behind upstream: openapi/fine_tuning.yaml, openapi/fine_tuning.portkey.yaml")
    args = ["update", str(BASE_VERSION), "--project", str(project.root), "--check"]
    assert cli.main([*args, "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["status"] == "nothing-to-do"


def test_conflicting_overlay_exits_2_naming_file_action_and_finding(
    project: update.Project, capsys: pytest.CaptureFixture[str]
) -> None:
    """An overlay whose target is gone: exit 2, the overlay file, the action, what was found; no write."""
    folder = project.root / "openapi" / "overlays" / "fine_tuning"
    shutil.copy(FIXTURES / "overlays" / "conflicting-kind.yaml", folder / "09-conflicting.yaml")
    overlay = overlays.load_overlay(folder / "09-conflicting.yaml")
    overlay["actions"][0]["target"] = "$.components.schemas.FineTuningJob.properties.status.enum"
    (folder / "09-conflicting.yaml").write_text(json.dumps(overlay), encoding="utf-8")
    before = _fingerprint(project.root)
    assert _cli(project) == 2
    captured = capsys.readouterr()
    assert "fine_tuning/09-conflicting.yaml" in captured.out and "conflicting" in captured.out
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(
        "error: openapi/fine_tuning.yaml: overlay 09-conflicting.yaml action 0 "
        "($.components.schemas.FineTuningJob.properties.status.enum) conflicting: the update is a mapping but"
    )
    assert "a list of" in lines[0]
    assert _fingerprint(project.root) == before


def test_generator_failure_exits_2_and_leaves_the_tree(
    project: update.Project, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A broken generator step (injected): exit 2 with one `error:` line, nothing written."""

    def broken(spec: Path, out_dir: Path, **_: Any) -> Path:
        raise regen.GenerationError("openapi-python-client failed on fine_tuning.yaml:\nboom")

    monkeypatch.setattr(update.regen, "generate", broken)
    before = _fingerprint(project.root)
    assert _cli(project) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: generator problem: openapi-python-client failed on fine_tuning.yaml: boom")
    assert "Traceback" not in err
    assert _fingerprint(project.root) == before


def test_failure_while_moving_results_in_rolls_back(
    project: update.Project, generator: CachedGenerator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The third move fails (injected): the two already moved are put back; the tree is as it was."""
    before = _fingerprint(project.root)
    real_replace = os.replace
    calls: list[str] = []

    def failing(src: Any, dst: Any) -> None:
        calls.append(str(dst))
        if len(calls) == 5:  # (backup, move) x 2, then the third backup
            raise OSError(28, "No space left on device")
        real_replace(src, dst)

    monkeypatch.setattr(update.os, "replace", failing)
    with pytest.raises(
        update.UpdateError, match=r"could not move the results in \(nothing changed\): .*No space"
    ):
        update.update(project, NEW_VERSION, None, tools=generator)
    assert len(calls) > 5  # the rollback ran
    assert _fingerprint(project.root) == before
    assert not [p for p in project.root.iterdir() if p.name.startswith(".ftjobs-update-")]


def test_drift_in_generated_exits_2(project: update.Project, generator: CachedGenerator) -> None:
    """generated/ edited by hand: the drift check stops the update before anything is written."""
    edited = project.generated / "client.py"
    edited.write_text(edited.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    before = _fingerprint(project.root)
    with pytest.raises(
        update.UpdateError, match=r"drift: generated/ftjobs_generated is not what .* \(differs: client\.py\)"
    ):
        update.update(project, NEW_VERSION, None, tools=generator)
    assert _fingerprint(project.root) == before


def test_unusable_upstream_exits_2(
    project: update.Project, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("openapi: [unclosed\n", encoding="utf-8")
    assert cli.main(["update", str(bad), "--project", str(project.root)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and len(err.strip().splitlines()) == 1


def test_today_dry_run_is_nothing_to_do_with_a_clean_overlay_table(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """On the committed tree and today's upstream specs: nothing to do, every overlay applied."""
    assert cli.main(["update", "--dry-run", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["status"] == "nothing-to-do"
    reports = [r for spec in doc["specs"] for r in spec["overlays"]]
    assert [r["overlay"] for r in reports] == [p.name for p in trim.overlays_for(trim.SOURCES["openai"][1])]
    assert {r["status"] for r in reports} == {"applied"}
    assert doc["files"] == [] and doc["changelog"] is None


def test_update_output_equals_what_regen_writes() -> None:
    """update's trimmed spec is byte for byte trim.render's (what `make regen` writes)."""
    source, output = trim.SOURCES["openai"]
    overlay_files = trim.overlays_for(output)
    rendered = update.render_spec(source, output, overlay_files)
    assert rendered.text == trim.render(source, overlay_files=overlay_files)
    assert copy.deepcopy(rendered.doc) == trim.load_spec(output)[0]


def test_a_tuple_return_annotation_does_not_hide_the_signature_separator() -> None:
    """`(x) -> (int, str) -> (x, *, y: int=1) -> (int, str)`: the first ` -> (` is inside the old
    signature; the split that parses on both sides is the one used."""
    detail = "(x) -> (int, str) -> (x, *, y: int=1) -> (int, str)"
    assert release.added_parameters(detail) == ["y: int=1"]
