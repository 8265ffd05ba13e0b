"""The rule registry and its fixtures: every rule has a base/revision pair that fires it, and only it."""

from __future__ import annotations

import itertools
import re
import string
from pathlib import Path

import pytest

from scripts.specdiff import RULES, Rule, diff
from scripts.specdiff.messages import MESSAGES
from scripts.specdiff.model import LEVELS
from scripts.specdiff.render import rule_table

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "specdiff"
FORMS = FIXTURES / "_nullability_forms"
RULE_IDS = [rule.id for rule in RULES]


def test_registry_ids_are_unique_kebab_case_with_a_message() -> None:
    """Ids are kebab-case and unique; every rule has a message and a known level and direction."""
    assert len(RULE_IDS) == len(set(RULE_IDS))
    for rule in RULES:
        assert re.fullmatch(r"[a-z]+(-[a-z0-9]+)+", rule.id), rule.id
        assert rule.id in MESSAGES
        assert rule.level in LEVELS
        assert rule.direction in ("request", "response", "any")
    assert set(MESSAGES) == set(RULE_IDS)


def test_every_rule_has_a_fixture_pair_and_every_fixture_a_rule() -> None:
    """Registry-wide fixture coverage (oasdiff's rule symmetry test)."""
    missing = [
        r for r in RULE_IDS if not all((FIXTURES / r / f).is_file() for f in ("base.yaml", "revision.yaml"))
    ]
    assert missing == []
    stray = [p.name for p in FIXTURES.iterdir() if p.is_dir() and not p.name.startswith("_")]
    assert sorted(set(stray) - set(RULE_IDS)) == []


# The families whose every rule also has an OpenAPI 3.0 pair (`base-3.0.yaml`, `revision-3.0.yaml`):
# the same change written in 3.0 gets the same verdict (3.1-only keywords such as prefixItems or
# webhooks are read in a 3.0 document too: its server may well enforce them).
BOTH_VERSIONS = (
    "security",
    "discriminator",
    "patterns",
    "sunset",
    "dependencies",
    "prefix_items",
    "unevaluated",
    "webhooks",
)
BOTH_VERSIONS_RULES = (
    "response-default-removed",
    "response-integer-format-widened",
    "request-integer-format-narrowed",
)
RULES_30 = [
    r for r in RULES if r.handler.__module__.rsplit(".", 1)[1] in BOTH_VERSIONS or r.id in BOTH_VERSIONS_RULES
]


def test_the_families_of_both_versions_have_30_pairs_in_both_directions() -> None:
    """Every rule of those families has a 3.0 pair; their schema rules exist for requests and responses."""
    missing = [
        r.id
        for r in RULES_30
        if not all((FIXTURES / r.id / f).is_file() for f in ("base-3.0.yaml", "revision-3.0.yaml"))
    ]
    assert missing == []
    assert len(RULES_30) == 59  # the count of those families today: a family that vanishes fails here
    for family in ("patterns", "sunset", "dependencies", "prefix_items", "unevaluated", "discriminator"):
        directions = {r.direction for r in RULES if r.handler.__module__.endswith("." + family)}
        assert {"request", "response"} <= directions, family


@pytest.mark.parametrize("rule", RULES_30, ids=[r.id for r in RULES_30])
def test_rule_fires_on_its_30_fixture_at_its_level(rule: Rule) -> None:
    """The OpenAPI 3.0 pair yields the same rule, and no other, as the 3.1 pair."""
    base, revision = FIXTURES / rule.id / "base-3.0.yaml", FIXTURES / rule.id / "revision-3.0.yaml"
    assert base.read_text(encoding="utf-8").split("\n")[1] == "openapi: 3.0.3"
    result = diff(str(base), str(revision))
    assert {c.id for c in result.changes} == {rule.id}
    assert {c.level for c in result.changes} == {rule.level}
    assert diff(str(base), str(base)).changes == []
    assert diff(str(revision), str(revision)).changes == []


def test_both_directions_are_covered() -> None:
    """Schema-level rules exist for requests and for responses."""
    for direction in ("request", "response"):
        assert sum(1 for r in RULES if r.direction == direction and r.unit == "schema") >= 8


@pytest.mark.parametrize("rule", RULES, ids=RULE_IDS)
def test_rule_fires_on_its_fixture_at_its_level(rule: Rule) -> None:
    """The fixture pair of a rule yields that rule (and no other), at the registered level."""
    result = diff(str(FIXTURES / rule.id / "base.yaml"), str(FIXTURES / rule.id / "revision.yaml"))
    assert {c.id for c in result.changes} == {rule.id}
    for change in result.changes:
        assert change.level == rule.level
        assert change.message
        placeholders = [f for _, f, _, _ in string.Formatter().parse(MESSAGES[rule.id]) if f]
        assert not any("{" + f + "}" in change.message for f in placeholders)
        assert change.base is not None or change.revision is not None


@pytest.mark.parametrize("side", ["base.yaml", "revision.yaml"])
@pytest.mark.parametrize("rule", RULE_IDS)
def test_fixture_against_itself_is_empty(rule: str, side: str) -> None:
    """diff(A, A) reports nothing."""
    path = str(FIXTURES / rule / side)
    assert diff(path, path).changes == []


@pytest.mark.parametrize(
    ("a", "b"),
    list(itertools.permutations(["nullable-30", "type-list-31", "anyof-null-31", "oneof-null-31"], 2)),
)
def test_nullability_forms_mean_the_same(a: str, b: str) -> None:
    """3.0 nullable, 3.1 type list, anyOf/oneOf with a null branch (inline or around a $ref) are equal."""
    assert diff(str(FORMS / f"{a}.yaml"), str(FORMS / f"{b}.yaml")).changes == []


@pytest.mark.parametrize("form", ["nullable-30", "type-list-31", "anyof-null-31", "oneof-null-31"])
def test_each_nullability_form_breaks_a_response(form: str) -> None:
    """Any of the forms, added to a response field, is a breaking response-became-nullable."""
    result = diff(str(FORMS / "non-nullable.yaml"), str(FORMS / f"{form}.yaml"))
    assert {c.id for c in result.changes} == {"response-became-nullable"}
    fields = {c.revision.rsplit("/", 1)[1] for c in result.changes if c.revision}
    assert fields >= {"fine_tuned_model"}
    assert len({c.operation for c in result.changes}) == 2
    # and back: dropping null from a response is harmless
    back = diff(str(FORMS / f"{form}.yaml"), str(FORMS / "non-nullable.yaml"))
    assert {c.id for c in back.changes} == {"response-became-non-nullable"}
    assert not back.fails("breaking")


def test_docs_rule_table_matches_the_registry() -> None:
    """docs/spec-diff.md embeds the registry's table verbatim."""
    doc = (FIXTURES.parent.parent.parent / "docs" / "spec-diff.md").read_text(encoding="utf-8")
    assert rule_table() in doc
