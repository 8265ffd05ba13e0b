"""A wheelhouse of distributions already installed here, so that a fresh `pip install` needs no network.

:func:`repack` writes each installed distribution back into a wheel (the files its RECORD lists inside
site-packages, its dist-info included, under the tag its WHEEL file names); :func:`closure` names the
distributions a set of requirements pulls in (markers evaluated for this interpreter, no extras). A
test then runs ``pip install --no-index --find-links WHEELHOUSE .``: pip resolves and builds as it
would from an index, and reads only these wheels.
"""

from __future__ import annotations

import base64
import hashlib
import re
import zipfile
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.tags import parse_tag, sys_tags
from packaging.utils import canonicalize_name


def closure(requirements: Iterable[str]) -> list[metadata.Distribution]:
    """The installed distributions that requirements need, transitively (no extras)."""
    found: dict[str, metadata.Distribution] = {}
    todo = [Requirement(r) for r in requirements]
    while todo:
        req = todo.pop()
        if req.marker is not None and not req.marker.evaluate({"extra": ""}):
            continue
        name = canonicalize_name(req.name)
        if name in found:
            continue
        found[name] = dist = metadata.distribution(req.name)
        todo += [Requirement(r) for r in dist.requires or []]
    return [found[name] for name in sorted(found)]


def _tag(dist: metadata.Distribution) -> str:
    text = dist.read_text("WHEEL") or ""
    tags = re.findall(r"^Tag: (\S+)$", text, re.MULTILINE)
    # The first tag this interpreter installs (shellingham lists py2-none-any before py3-none-any).
    supported = set(sys_tags())
    usable = [tag for tag in tags if supported & set(parse_tag(tag))]
    return (usable or tags or ["py3-none-any"])[0]


def _hash(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def repack(dist: metadata.Distribution, folder: Path) -> Path:
    """dist as a wheel in folder (files outside site-packages, such as scripts, are left out: pip
    writes console scripts from the entry points)."""
    name = re.sub(r"[^\w.]+", "_", dist.metadata["Name"]).lower()
    wheel = folder / f"{name}-{dist.version}-{_tag(dist)}.whl"
    record_lines = []
    record_name = ""
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED) as zf:
        for file in dist.files or []:
            arc = file.as_posix()
            if arc.startswith("..") or "__pycache__" in file.parts or arc.endswith(".pyc"):
                continue
            if arc.endswith(".dist-info/RECORD"):
                record_name = arc
                continue
            if arc.endswith((".dist-info/INSTALLER", ".dist-info/REQUESTED", ".dist-info/direct_url.json")):
                continue
            data = Path(str(file.locate())).read_bytes()
            zf.writestr(arc, data)
            record_lines.append(f"{arc},{_hash(data)},{len(data)}")
        if not record_name:
            raise RuntimeError(f"{dist.metadata['Name']}: no RECORD, cannot repack")
        record_lines.append(f"{record_name},,")
        zf.writestr(record_name, "\n".join(record_lines) + "\n")
    return wheel
