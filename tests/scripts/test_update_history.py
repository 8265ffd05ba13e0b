"""`ftjobs-spec update` replayed over the real OpenAI history (scripts/update_history.py).

One replay of the 33 versions per module (about 20-30 s on 2 cores: each version's client is built
once in a 2-process pool), shared by the tests: every step succeeds or fails with exit 2 naming the
overlay or generator problem and leaving the tree as it was, the bumps follow the contract diff and
the generated-API diff, the generated clients import, and docs/update-history.md is the fresh
render (`make update-history`). A short replay with a fixture overlay covers a failing step.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from scripts import regen, release, trim, update
from scripts.update_history import FIRST_VERSION, HISTORY, REPORT, Replay, Step, history, render, replay

FIXTURES = Path(__file__).parent.parent / "fixtures" / "update"

pytestmark = pytest.mark.skipif(not HISTORY.is_dir(), reason="openapi/upstream is missing")


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> Replay:
    return replay(tmp_path_factory.mktemp("update-history"))


def _expected_impact(step: Step) -> release.Impact:
    """The impact the policy gives a step's counts (README, "The spec pipeline")."""
    if step.breaking_http or step.breaking_api:
        return "breaking"
    if step.added:
        return "added"
    return "changed" if step.content_changed or step.obsolete else "none"


@pytest.mark.slow
def test_every_step_updates_or_fails_cleanly(result: Replay) -> None:
    """Exit 0, or exit 2 with an error naming an overlay file or the generator; a failed step
    leaves the tree (and the version) as it was."""
    assert len(result.steps) == len(history()) - 1
    for step in result.steps:
        assert step.exit_code in (0, 2), step
        if step.exit_code == 2:
            named = any(name in step.error for name in step.conflicting) or re.search(
                r"generator problem|does not import", step.error
            )
            assert step.error and named, step
            assert step.tree_unchanged_on_failure, step
            assert step.version_after == step.version_before, step


@pytest.mark.slow
def test_bumps_follow_the_contract_and_api_diffs(result: Replay) -> None:
    """Breaking for callers or Python code -> breaking; else additions -> added; else changed."""
    version = FIRST_VERSION
    for step in result.steps:
        assert step.version_before == version, step
        if step.exit_code == 0:
            impact = _expected_impact(step)
            assert step.impact == impact, step
            assert step.version_after == (release.bump(version, impact) or version), step
            major, minor, patch = release.parse_version(version)
            if impact == "breaking":
                assert release.parse_version(step.version_after) == (major + 1, 0, 0)
            elif impact == "added":
                assert release.parse_version(step.version_after) == (major, minor + 1, 0)
            elif impact != "none":
                assert release.parse_version(step.version_after) == (major, minor, patch + 1)
        version = step.version_after
    assert update.read_version(result.project.version_file) == version
    # The changelog has one entry per release, newest first; a breaking one has a Breaking section.
    changelog = result.project.changelog.read_text(encoding="utf-8")
    released = [s for s in result.steps if s.exit_code == 0 and s.version_after != s.version_before]
    headings = re.findall(r"^## (\S+)$", changelog, re.MULTILINE)
    assert headings == [s.version_after for s in reversed(released)]
    sections = dict(zip(headings, re.split(r"^## \S+$", changelog, flags=re.MULTILINE)[1:], strict=True))
    for step in released:
        assert ("### Breaking" in sections[step.version_after]) == (step.impact == "breaking"), step
        assert f"Impact: **{step.impact}**" in sections[step.version_after]


@pytest.mark.slow
def test_generated_clients_import(result: Replay, tmp_path: Path) -> None:
    """Every client a successful step wrote imported; the last one, as the replay left it, imports in
    a fresh interpreter and is byte for byte what a plain `regen.generate` writes for its spec."""
    generated = [s for s in result.steps if s.exit_code == 0 and s.generated]
    assert generated
    for step in generated:
        built = result.builds[step.generated]
        assert built.package is not None and not built.import_error, step
    project = result.project
    update.check_imports(project.generated)
    fresh = regen.generate(project.spec, tmp_path, in_process=True)
    assert update._tree_problems(project.generated, fresh) == []


@pytest.mark.slow
def test_committed_report_is_current(result: Replay) -> None:
    """docs/update-history.md is the render of this replay, with no machine path in it."""
    text = render(result)
    assert "/work/" not in text and str(trim.ROOT) not in text and "/tmp/" not in text
    assert text.count("\n| ") == len(result.steps) + 1  # the header row and one row per step
    assert REPORT.read_text(encoding="utf-8") == text, "run: make update-history"


def _versions(*names: str) -> list[tuple[Path, str]]:
    return [(path, commit) for path, commit in history() if path.name in names]


def test_a_conflicting_overlay_fails_its_step_and_the_next_one_goes_on(tmp_path: Path) -> None:
    """A fixture overlay that fits the first version and whose target leaves in the second: that step
    exits 2 naming it and writes nothing; the overlay is deleted, the remaining versions are
    predicted again without it, and the third version updates."""
    versions = _versions("2023-09-05_7d8e8bf.yaml", "2023-09-05_884c83f.yaml", "2023-09-06_0af3fad.yaml")
    short = replay(tmp_path, versions, FIXTURES / "replay-conflicting", workers=1)
    first, second = short.steps
    assert first.exit_code == 2 and first.conflicting == ["01-file-status-enum.yaml"]
    assert first.error.startswith("01-file-status-enum.yaml action 0: matches nothing at ")
    assert first.tree_unchanged_on_failure and first.version_after == FIRST_VERSION
    assert second.exit_code == 0 and second.applied == [] and second.impact == "breaking"
    assert second.version_after == "1.0.0"
    assert not list((short.project.root / "openapi" / "overlays" / "fine_tuning").iterdir())
    assert "| 1 | `2023-09-05_884c83f.yaml` | 2 | - | - | - | 01 | 01-file-status-enum.yaml" in render(short)


def test_an_obsolete_overlay_is_reported_fixed_and_deleted(tmp_path: Path) -> None:
    """Upstream makes a fixture overlay's correction itself: the step succeeds, the overlay is
    reported obsolete with its evidence, the changelog says it under Fixed, and it is deleted."""
    versions = _versions("2023-09-05_7d8e8bf.yaml", "2023-09-05_884c83f.yaml")
    short = replay(tmp_path, versions, FIXTURES / "replay-obsolete", workers=0)
    (step,) = short.steps
    assert step.exit_code == 0 and step.obsolete == ["01-finished-at-nullable.yaml"]
    changelog = short.project.changelog.read_text(encoding="utf-8")
    fixed = changelog[changelog.index("### Fixed") :]
    assert "upstream now says what overlay `01-finished-at-nullable.yaml` corrected" in fixed
    assert "already holds" in fixed and "the overlay can be deleted" in fixed
    assert not list((short.project.root / "openapi" / "overlays" / "fine_tuning").iterdir())
    assert "- overlays obsolete: `01-finished-at-nullable.yaml` at `2023-09-05_884c83f.yaml`" in render(short)
