"""The seeded examples are the spec's examples (read from the packaged JSON copy), listed newest first."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from ftjobs._server import _seed

from .conftest import Harness

SPEC_PATH = Path(__file__).resolve().parents[2] / "openapi" / "fine_tuning.yaml"


@pytest.mark.parametrize("name", sorted(_seed.SOURCES))
def test_seed_text_matches_the_spec(name: str) -> None:
    """Each seed text (from the packaged JSON) equals its x-oaiMeta example in openapi/fine_tuning.yaml."""
    path, method, title = _seed.SOURCES[name]
    examples = yaml.safe_load(SPEC_PATH.read_text())["paths"][path][method]["x-oaiMeta"]["examples"]
    if isinstance(examples, list):
        examples = next(example for example in examples if example["title"] == title)
    assert getattr(_seed, name) == examples["response"]


def test_seeded_jobs_list_newest_first(harness: Harness) -> None:
    """The 2025 DPO example lists before the 2023 job, and a job created now before both."""
    created = harness.create()
    jobs = harness.api.get("/fine_tuning/jobs").json()["data"]
    assert [job["id"] for job in jobs] == [created["id"], "ftjob-abc", "ftjob-abc123"]
    stamps = [job["created_at"] for job in jobs]
    assert stamps == sorted(stamps, reverse=True)
