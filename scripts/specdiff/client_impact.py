"""What changes in the generated Python API: regenerate both sides in a temporary folder and compare.

The generated packages are read with `ast` (never imported): model classes and their attributes
(with annotations), enum members, and the public functions of every API module (with signatures);
and the classes users hold and the create TypedDicts (``_views/``, a module per class, and
params.py, re-exported by the facade), named as users import them: ``ftjobs.Job.priority``. A view
attribute's detail ends with its default (`` = None``) when it has one; a TypedDict key's is
``Required[...]`` or ends with ``(optional key)``.
"""

from __future__ import annotations

import ast
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import regen, trim

PACKAGE = "client"


@dataclass(frozen=True)
class ApiChange:
    kind: str  # e.g. "class-removed", "attribute-type-changed", "function-signature-changed"
    name: str  # dotted: module.Class.attribute or api.module.function
    detail: str

    def to_json(self) -> dict[str, str]:
        return {"kind": self.kind, "name": self.name, "detail": self.detail}


@dataclass
class Surface:
    classes: dict[str, dict[str, str]]  # class -> attribute -> annotation
    enums: dict[str, dict[str, str]]  # enum class -> member -> value
    functions: dict[str, str]  # api.module.function -> signature


#: How a class module of ``_views/`` names the other classes in annotations (``views.JobError``):
#: users import them from ``ftjobs``, and the changelog names them so (``JobError``).
_VIEWS_PREFIX = re.compile(r"\bviews\.(?=[A-Z])")
#: Attributes of the classes users hold that are not API fields.
_NOT_API = frozenset({"raw", "request_id"})


def _default(value: ast.expr) -> str:
    """The default of an attrs field: ``x = None`` or ``x = attrs.field(default=None, ...)``."""
    if isinstance(value, ast.Call):
        for kw in value.keywords:
            if kw.arg == "default":
                return ast.unparse(kw.value)
            if kw.arg == "factory":
                return f"{ast.unparse(kw.value)}()"
    return ast.unparse(value)


def _is_enum(node: ast.ClassDef) -> bool:
    return any(ast.unparse(b).endswith("Enum") for b in node.bases)


def surface(package: Path) -> Surface:
    """The public API of a generated package folder."""
    out = Surface({}, {}, {})
    for path in sorted((package / "models").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if not isinstance(node, ast.ClassDef):
                continue
            if _is_enum(node):
                out.enums[node.name] = {
                    t.id: ast.unparse(stmt.value)
                    for stmt in node.body
                    if isinstance(stmt, ast.Assign)
                    for t in stmt.targets
                    if isinstance(t, ast.Name)
                }
            else:
                out.classes[node.name] = {
                    stmt.target.id: ast.unparse(stmt.annotation)
                    for stmt in node.body
                    if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name)
                }
    for path in [package / "params.py", *sorted((package / "_views").glob("*.py"))]:
        if not path.is_file():
            continue
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if not isinstance(node, ast.ClassDef) or node.name.startswith("_"):
                continue
            typeddict = any(ast.unparse(b) == "TypedDict" for b in node.bases)
            attrs: dict[str, str] = {}
            for stmt in node.body:
                if not (isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name)):
                    continue
                if stmt.target.id in _NOT_API:
                    continue
                annotation = _VIEWS_PREFIX.sub("", ast.unparse(stmt.annotation))
                if typeddict:
                    detail = (
                        annotation if annotation.startswith("Required[") else f"{annotation} (optional key)"
                    )
                else:
                    detail = annotation + (f" = {_default(stmt.value)}" if stmt.value is not None else "")
                attrs[stmt.target.id] = detail
            out.classes[f"ftjobs.{node.name}"] = attrs
    for path in sorted((package / "api").rglob("*.py")):
        if path.name == "__init__.py":
            continue
        module = ".".join(path.relative_to(package).with_suffix("").parts)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for fn in tree.body:
            if isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef) and not fn.name.startswith("_"):
                returns = f" -> {ast.unparse(fn.returns)}" if fn.returns else ""
                out.functions[f"{module}.{fn.name}"] = f"({ast.unparse(fn.args)}){returns}"
    return out


def _diff_maps(kind: str, base: dict[str, Any], rev: dict[str, Any], out: list[ApiChange]) -> list[str]:
    for name in sorted(base.keys() - rev.keys()):
        out.append(ApiChange(f"{kind}-removed", name, ""))
    for name in sorted(rev.keys() - base.keys()):
        out.append(ApiChange(f"{kind}-added", name, ""))
    return sorted(base.keys() & rev.keys())


def compare(base: Surface, rev: Surface) -> list[ApiChange]:
    out: list[ApiChange] = []
    for cls in _diff_maps("class", base.classes, rev.classes, out):
        b_attrs, r_attrs = base.classes[cls], rev.classes[cls]
        for attr in sorted(b_attrs.keys() - r_attrs.keys()):
            out.append(ApiChange("attribute-removed", f"{cls}.{attr}", b_attrs[attr]))
        for attr in sorted(r_attrs.keys() - b_attrs.keys()):
            out.append(ApiChange("attribute-added", f"{cls}.{attr}", r_attrs[attr]))
        for attr in sorted(b_attrs.keys() & r_attrs.keys()):
            if b_attrs[attr] != r_attrs[attr]:
                out.append(
                    ApiChange(
                        "attribute-type-changed", f"{cls}.{attr}", f"{b_attrs[attr]} -> {r_attrs[attr]}"
                    )
                )
    for enum in _diff_maps("enum", base.enums, rev.enums, out):
        b_members, r_members = base.enums[enum], rev.enums[enum]
        for member in sorted(b_members.keys() - r_members.keys()):
            out.append(ApiChange("enum-member-removed", f"{enum}.{member}", b_members[member]))
        for member in sorted(r_members.keys() - b_members.keys()):
            out.append(ApiChange("enum-member-added", f"{enum}.{member}", r_members[member]))
    for fn in _diff_maps("function", base.functions, rev.functions, out):
        if base.functions[fn] != rev.functions[fn]:
            out.append(
                ApiChange("function-signature-changed", fn, f"{base.functions[fn]} -> {rev.functions[fn]}")
            )
    return out


def client_impact(base_doc: dict[str, Any], revision_doc: dict[str, Any]) -> list[ApiChange]:
    """Generate the client for both (trimmed) documents and list the API differences."""
    with tempfile.TemporaryDirectory(prefix="ftjobs-spec-") as tmp:
        surfaces = []
        for side, doc in (("base", base_doc), ("revision", revision_doc)):
            folder = Path(tmp) / side
            folder.mkdir()
            spec = folder / "spec.yaml"
            spec.write_text(trim.dump_yaml(doc), encoding="utf-8")
            try:
                package = regen.generate(spec, folder, package=PACKAGE, allow_warnings=True)
            except regen.GenerationError as exc:
                raise trim.SpecError(f"client generation failed for the {side}: {exc}") from exc
            surfaces.append(surface(package))
    return compare(surfaces[0], surfaces[1])


def render_text(changes: list[ApiChange]) -> str:
    lines = [f"generated Python API: {len(changes)} change(s)"]
    lines += [f"  {c.kind:28} {c.name}" + (f"  [{c.detail}]" if c.detail else "") for c in changes]
    return "\n".join(lines) + "\n"


def render_markdown(changes: list[ApiChange]) -> str:
    lines = ["#### Generated Python API", ""]
    if not changes:
        return "\n".join([*lines, "no change"]) + "\n"
    lines += ["| change | name | detail |", "|---|---|---|"]
    for c in changes:
        detail = c.detail.replace("|", "\\|")
        lines.append(f"| {c.kind} | `{c.name}` | `{detail}` |" if detail else f"| {c.kind} | `{c.name}` | |")
    return "\n".join(lines) + "\n"
