"""The models package loads each class on first use (openapi/templates/models_init.py.jinja): its
table names every class with the module defining it, and importing the package loads no model."""

from __future__ import annotations

import importlib
import json
import pkgutil
import subprocess
import sys

import pytest

from ftjobs_generated import models


def test_the_table_names_every_model_module_class_once_with_its_module() -> None:
    """``_MODULES`` holds exactly the classes defined in the package's modules, each by its module."""
    defined = {}
    for info in pkgutil.iter_modules(models.__path__):
        module = importlib.import_module(f"{models.__name__}.{info.name}")
        for name, value in vars(module).items():
            if isinstance(value, type) and value.__module__ == module.__name__ and not name.startswith("_"):
                defined[name] = f".{info.name}"
    assert defined == models._MODULES
    assert sorted(models.__all__) == sorted(defined)
    for name, module_name in defined.items():
        assert getattr(models, name) is getattr(importlib.import_module(module_name, models.__name__), name)


def test_an_unknown_name_is_an_attribute_error() -> None:
    """A name outside the table: AttributeError, as for any module (``hasattr`` is False)."""
    with pytest.raises(AttributeError, match="has no attribute 'NotAModel'"):
        _ = models.NotAModel
    assert not hasattr(models, "FineTuningJobs")


def test_importing_the_package_or_one_model_loads_only_that_model_and_what_it_imports() -> None:
    """``import ftjobs_generated.models`` loads no model module; the job event model loads its own
    module and the four it imports (its level, object, type and data), not the job or create models."""
    code = (
        "import json, sys\n"
        "import ftjobs_generated.models\n"
        "before = sorted(m for m in sys.modules if m.startswith('ftjobs_generated.models.'))\n"
        "from ftjobs_generated.models import FineTuningJobEvent\n"
        "after = sorted(m for m in sys.modules if m.startswith('ftjobs_generated.models.'))\n"
        "print(json.dumps([before, after]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    before, after = json.loads(done.stdout)
    assert before == []
    prefix = "ftjobs_generated.models."
    assert [name.removeprefix(prefix) for name in after] == [
        "fine_tuning_job_event",
        "fine_tuning_job_event_data",
        "fine_tuning_job_event_level",
        "fine_tuning_job_event_object",
        "fine_tuning_job_event_type",
    ]
