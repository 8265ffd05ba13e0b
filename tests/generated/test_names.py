"""Generated class names read like hand-written ones: no ``Type0``/``Type1`` left by anonymous unions."""

from __future__ import annotations

import enum
import importlib
import pkgutil
import re

import yaml

from ftjobs_generated import models
from scripts import regen

OVERRIDES: dict[str, dict[str, str]] = yaml.safe_load(regen.CONFIG.read_text(encoding="utf-8"))[
    "class_overrides"
]
TYPE_N = re.compile(r"Type\d|type_\d")


def test_no_class_or_module_is_named_type_n() -> None:
    """Every model and enum class, and every module, has a name without Type<n> (class_overrides)."""
    modules = [info.name for info in pkgutil.iter_modules(models.__path__)]
    assert len(modules) > 80
    assert [name for name in modules if TYPE_N.search(name)] == []
    classes = [
        value.__name__
        for name in modules
        for value in vars(importlib.import_module(f"{models.__name__}.{name}")).values()
        if isinstance(value, type) and value.__module__.endswith(f".{name}")
    ]
    assert [name for name in classes if TYPE_N.search(name)] == []


def test_every_override_names_a_generated_class_in_its_module() -> None:
    """Each class_overrides entry is used: its class exists, in the module it names."""
    assert len(OVERRIDES) >= 20
    for original, override in OVERRIDES.items():
        module = importlib.import_module(f"{models.__name__}.{override['module_name']}")
        assert hasattr(module, override["class_name"]), original
        assert getattr(models, override["class_name"]) is getattr(module, override["class_name"])


def test_auto_enums_hold_only_auto() -> None:
    """A class renamed ...Auto is the one-value enum of an "auto" | number hyperparameter."""
    autos = [
        override["class_name"] for override in OVERRIDES.values() if override["class_name"].endswith("Auto")
    ]
    assert len(autos) == 19  # 3 create + 4 DPO + 6 reinforcement + 3 supervised + 3 job
    for name in autos:
        cls = getattr(models, name)
        assert issubclass(cls, enum.Enum) and [member.value for member in cls] == ["auto"], name
