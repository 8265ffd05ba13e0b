"""Checkpoint permissions of the local server, stored with the jobs (the ``permissions`` table).

A permission shares a fine-tuned model checkpoint with a project. The checkpoint is named by its
model name: a checkpoint's ``fine_tuned_model_checkpoint`` or a finished job's ``fine_tuned_model``
(both ``ft:...``); an unknown one is a 404, as is an unknown permission id. Creating a permission
for a project that already has one on that checkpoint answers the existing one (no duplicate).
Lists are by creation order, ``descending`` (newest first) unless ``order=ascending``; ``after``
is a permission id of the same list.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from . import _errors, _jobs

if TYPE_CHECKING:
    from ._store import Store

SCHEMA = """
CREATE TABLE IF NOT EXISTS permissions (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT UNIQUE NOT NULL, checkpoint TEXT NOT NULL,
    doc TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS permissions_by_checkpoint ON permissions (checkpoint, seq);
"""
COLUMNS = {"seq", "id", "checkpoint", "doc"}
ID_PREFIX = "cp_"
PARAM = "fine_tuned_model_checkpoint"


def checkpoint_not_found(checkpoint: str) -> _errors.ApiError:
    return _errors.ApiError(404, f"No such fine-tuned model checkpoint: {checkpoint}.", param=PARAM)


def permission_not_found(permission_id: str) -> _errors.ApiError:
    return _errors.ApiError(404, f"No such checkpoint permission: {permission_id}.", param="permission_id")


def _known(store: Store, checkpoint: str) -> bool:
    """Whether a checkpoint or a job's model has this name (active jobs brought up to date first:
    their checkpoints appear as the clock reaches them)."""
    db = store._db
    for (job_id,) in db.execute("SELECT id FROM jobs WHERE life IS NOT NULL").fetchall():
        store.get(job_id)
    row = db.execute(
        "SELECT 1 FROM checkpoints WHERE json_extract(doc, '$.fine_tuned_model_checkpoint') = ?"
        " UNION ALL SELECT 1 FROM jobs WHERE json_extract(doc, '$.fine_tuned_model') = ? LIMIT 1",
        (checkpoint, checkpoint),
    ).fetchone()
    return row is not None


def create(store: Store, checkpoint: str, project_ids: list[str]) -> dict[str, Any]:
    """Share ``checkpoint`` with each project; the list of the permissions (new or existing)."""
    if not project_ids:
        raise _errors.bad_request(
            "Invalid 'project_ids': expected at least one project id, but got an empty array.",
            param="project_ids",
            code="empty_array",
        )
    for index, project_id in enumerate(project_ids):
        if not project_id.strip():
            raise _errors.bad_request(
                f"Invalid 'project_ids[{index}]': a project id cannot be empty.",
                param=f"project_ids[{index}]",
                code="invalid_value",
            )
    with store._lock:
        if not _known(store, checkpoint):
            raise checkpoint_not_found(checkpoint)
        db = store._db
        existing = {
            doc["project_id"]: doc
            for doc in (
                json.loads(text)
                for (text,) in db.execute(
                    "SELECT doc FROM permissions WHERE checkpoint = ? ORDER BY seq", (checkpoint,)
                )
            )
        }
        out: list[dict[str, Any]] = []
        with db:
            db.execute("BEGIN")
            for project_id in dict.fromkeys(project_ids):
                doc = existing.get(project_id)
                if doc is None:
                    doc = {
                        "object": "checkpoint.permission",
                        "id": _jobs.new_id(ID_PREFIX),
                        "created_at": int(store.now()),
                        "project_id": project_id,
                    }
                    db.execute(
                        "INSERT INTO permissions (id, checkpoint, doc) VALUES (?, ?, ?)",
                        (doc["id"], checkpoint, json.dumps(doc)),
                    )
                out.append(doc)
    return _page(out, has_more=False)


def list_permissions(
    store: Store, checkpoint: str, *, after: str | None, limit: int, order: str, project_id: str | None
) -> dict[str, Any]:
    """A page of the checkpoint's permissions."""
    with store._lock:
        if not _known(store, checkpoint):
            raise checkpoint_not_found(checkpoint)
        db = store._db
        ascending = order == "ascending"
        where, args = "checkpoint = ?", [checkpoint]
        if after is not None:
            row = db.execute(
                "SELECT seq FROM permissions WHERE id = ? AND checkpoint = ?", (after, checkpoint)
            ).fetchone()
            if row is None:
                return _page([], has_more=False)
            where += " AND seq > ?" if ascending else " AND seq < ?"
            args.append(row[0])
        rows = db.execute(
            f"SELECT doc FROM permissions WHERE {where} ORDER BY seq {'ASC' if ascending else 'DESC'}",  # noqa: S608
            args,
        ).fetchall()
    docs = [json.loads(text) for (text,) in rows]
    if project_id is not None:
        docs = [doc for doc in docs if doc["project_id"] == project_id]
    return _page(docs[:limit], has_more=len(docs) > limit)


def delete(store: Store, checkpoint: str, permission_id: str) -> dict[str, Any]:
    """Remove one permission of the checkpoint."""
    with store._lock:
        if not _known(store, checkpoint):
            raise checkpoint_not_found(checkpoint)
        db = store._db
        with db:
            db.execute("BEGIN")
            gone = db.execute(
                "DELETE FROM permissions WHERE id = ? AND checkpoint = ?", (permission_id, checkpoint)
            ).rowcount
        if not gone:
            raise permission_not_found(permission_id)
    return {"object": "checkpoint.permission", "id": permission_id, "deleted": True}


def _page(docs: list[dict[str, Any]], *, has_more: bool) -> dict[str, Any]:
    return {
        "object": "list",
        "data": docs,
        "has_more": has_more,
        "first_id": docs[0]["id"] if docs else None,
        "last_id": docs[-1]["id"] if docs else None,
    }
