"""State of the local server: jobs, events and checkpoints in SQLite (a file, or ``:memory:``).

Jobs advance lazily: every read or action first applies the milestones that the job's active time
has reached (``_lifecycle.due``), so the state is a function of the clock and survives a restart
(the lifecycle of each job and the clock offset set by ``/_ftjobs/advance`` are stored with it).
One lock serialises all access; SQLite is only ever used from under it.

A database that cannot be used at startup (a directory, unreadable, not SQLite, corrupt, not
ours, read-only) raises :class:`DatabaseError`; one that fails later (locked, read-only, corrupt)
raises ``sqlite3.Error`` out of the operation, after a rollback, and :func:`database_error` says
how to answer it.
"""

from __future__ import annotations

import json
import math
import os
import sqlite3
import sys
import threading
from collections.abc import Callable
from typing import Any

from . import _errors, _files, _jobs, _lifecycle, _permissions, _seed
from ._lifecycle import Progress

_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT UNIQUE NOT NULL, doc TEXT NOT NULL, life TEXT);
CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT UNIQUE NOT NULL, job_id TEXT NOT NULL, doc TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS events_by_job ON events (job_id, seq);
CREATE TABLE IF NOT EXISTS checkpoints (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT UNIQUE NOT NULL, job_id TEXT NOT NULL, doc TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS checkpoints_by_job ON checkpoints (job_id, seq);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""
_TABLES = frozenset({"events", "checkpoints"})
_COLUMNS = {
    "jobs": {"seq", "id", "doc", "life"},
    "events": {"seq", "id", "job_id", "doc"},
    "checkpoints": {"seq", "id", "job_id", "doc"},
    "meta": {"key", "value"},
    "permissions": _permissions.COLUMNS,
    **_files.COLUMNS,
}
#: Seconds an operation waits for another process's lock on the database before answering 503.
BUSY_TIMEOUT = 1.0
#: The server's time never passes 9999-12-31T23:59:59Z (Unix times stay representable everywhere).
MAX_TIME = 253_402_300_799.0
#: SQLite primary result codes of a database another connection holds (a retry may succeed).
_BUSY_CODES = frozenset({sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED})


class DatabaseError(ValueError):
    """The ``db`` file cannot be used; the message names the file and the reason, on one line."""


def database_error(exc: sqlite3.Error) -> _errors.ApiError:
    """The answer to a database failure while serving: 503 when it is locked, 500 otherwise."""
    code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
    if code in _BUSY_CODES:
        return _errors.ApiError(
            503, "The local database is locked by another process; retry shortly.", type_="server_error"
        )
    return _errors.server_error(f"The local database failed: {exc}.")


Page = tuple[list[dict[str, Any]], bool]


class _Life:
    """A job's place on its plan, as stored in the ``life`` column (``NULL`` once finished)."""

    def __init__(
        self, progress: Progress, steps: int, invalid: bool, error: dict[str, Any] | None = None
    ) -> None:
        self.progress = progress
        self.steps = steps
        self.invalid = invalid
        #: The error of a job whose training file failed validation (None: the default one).
        self.error = error
        self.plan = _lifecycle.plan(steps, invalid_file=invalid)

    @classmethod
    def load(cls, text: str | None) -> _Life | None:
        if text is None:
            return None
        raw = json.loads(text)
        progress = Progress(active=raw["active"], since=raw["since"], emitted=raw["emitted"])
        return cls(progress, raw["steps"], raw["invalid"], raw.get("error"))

    def dump(self) -> str:
        p = self.progress
        return json.dumps(
            {
                "active": p.active,
                "since": p.since,
                "emitted": p.emitted,
                "steps": self.steps,
                "invalid": self.invalid,
                "error": self.error,
            }
        )


class Store:
    """Jobs, events and checkpoints, with the clock that drives them."""

    def __init__(
        self,
        path: str | None,
        *,
        clock: Callable[[], float],
        step_seconds: float,
        organization_id: str,
        seed_examples: bool = True,
    ) -> None:
        self._lock = threading.RLock()
        self._clock = clock
        self.step_seconds = step_seconds
        self.organization_id = organization_id
        self._db = _open(path)
        try:
            self._offset = self._load_offset(path)
            if seed_examples and self._db.execute("SELECT COUNT(*) FROM jobs").fetchone()[0] == 0:
                self._seed()
        except sqlite3.Error as exc:
            self._db.close()
            raise _unusable(path, _reason(exc)) from None
        except BaseException:
            self._db.close()
            raise

    def _load_offset(self, path: str | None) -> float:
        """The stored clock offset; one that is not a number or puts the time out of range is dropped."""
        row = self._db.execute("SELECT value FROM meta WHERE key = 'clock_offset'").fetchone()
        if row is None:
            return 0.0
        try:
            offset = float(row[0])
        except (TypeError, ValueError):
            offset = math.nan
        if math.isfinite(offset) and 0 <= self._clock() + offset <= MAX_TIME:
            return offset
        sys.stderr.write(
            f"ftjobs server: {path}: ignored an invalid clock offset ({row[0]!r:.40}); reset to 0\n"
        )
        self._write_offset(0.0)
        return 0.0

    # --- clock ---------------------------------------------------------------------------------

    def now(self) -> float:
        """The server's time: the clock plus every ``advance``."""
        return self._clock() + self._offset

    def advance(self, seconds: float) -> float:
        """Move the server's time forward by ``seconds``; returns the new time.

        Raises ``ValueError`` unless ``seconds`` is finite, >= 0 and keeps the time <= ``MAX_TIME``.
        """
        if not (isinstance(seconds, int | float) and math.isfinite(seconds) and seconds >= 0):
            raise ValueError(f"'seconds' must be a finite number >= 0, got {seconds!r}.")
        with self._lock:
            offset = self._offset + float(seconds)
            if self._clock() + offset > MAX_TIME:
                raise ValueError(
                    f"'seconds' would move the server's time past {MAX_TIME:.0f} (the year 9999)."
                )
            self._write_offset(offset)
            self._offset = offset  # only once it is stored
            return self.now()

    def _write_offset(self, offset: float) -> None:
        self._db.execute(
            "INSERT INTO meta (key, value) VALUES ('clock_offset', ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (repr(offset),),
        )

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # --- jobs ----------------------------------------------------------------------------------

    def create(self, request: dict[str, Any]) -> dict[str, Any]:
        """Create a job from a validated request; it starts in ``validating_files``."""
        with self._lock:
            now = self.now()
            job = _jobs.new_job(
                request, job_id=_jobs.new_id("ftjob-"), now=now, organization_id=self.organization_id
            )
            error = _files.check_training(self, request)  # a stored file: the validator's verdict
            invalid = error is not None or job["training_file"] == _jobs.INVALID_TRAINING_FILE
            life = _Life(_lifecycle.start(Progress(), now), _jobs.train_steps(job), invalid, error)
            with self._db:
                self._db.execute("BEGIN")
                self._db.execute(
                    "INSERT INTO jobs (id, doc, life) VALUES (?, ?, ?)",
                    (job["id"], json.dumps(job), life.dump()),
                )
                self._sync(job, life, now)
            return self._render(job, life, now)

    def get(self, job_id: str) -> dict[str, Any]:
        with self._lock:
            job, life = self._load(job_id)
            now = self.now()
            if life is not None:
                with self._db:
                    self._db.execute("BEGIN")
                    life = self._sync(job, life, now)
            return self._render(job, life, now)

    def act(self, job_id: str, action: str, error: dict[str, Any] | None = None) -> dict[str, Any]:
        """Apply ``cancel``, ``pause``, ``resume`` or ``fail`` (with ``error``) to a job."""
        with self._lock:
            job, life = self._load(job_id)
            now = self.now()
            with self._db:
                self._db.execute("BEGIN")
                if life is not None:
                    life = self._sync(job, life, now)
                try:
                    status = _lifecycle.transition(job["status"], action)
                except _lifecycle.InvalidTransitionError as exc:
                    raise _errors.bad_request(str(exc), code="invalid_job_status") from exc
                if action == "fail":
                    effects = _jobs.fail(job, now, error or _jobs.DEFAULT_FAILURE)
                else:
                    effects = _jobs.set_status(job, status, now)
                if life is not None:
                    move = _lifecycle.start if action == "resume" else _lifecycle.stop
                    life.progress = move(life.progress, now)
                finished = status in _lifecycle.TERMINAL_STATUSES
                self._save(job, None if finished or life is None else life, effects)
            return self._render(job, None if finished else life, now)

    def list_jobs(self, *, after: str | None, limit: int, metadata: dict[str, str] | bool | None) -> Page:
        """Newest first. ``metadata`` is a filter: a dict (all pairs must match), ``None`` (jobs
        without metadata) or ``False`` (no filter)."""
        with self._lock:
            start = self._cursor("jobs", after, None)
            if start is None:
                return [], False
            page: list[tuple[dict[str, Any], _Life | None]] = []
            has_more = False
            rows = self._db.execute("SELECT doc, life FROM jobs WHERE seq < ? ORDER BY seq DESC", (start,))
            for doc, life_text in rows:
                job = json.loads(doc)
                if not _matches(job.get("metadata"), metadata):
                    continue
                if len(page) == limit:
                    has_more = True
                    break
                page.append((job, _Life.load(life_text)))
            now = self.now()
            out = []
            with self._db:
                self._db.execute("BEGIN")
                for job, life in page:
                    synced = self._sync(job, life, now) if life is not None else None
                    out.append(self._render(job, synced, now))
            return out, has_more

    def list_children(self, table: str, job_id: str, *, after: str | None, limit: int) -> Page:
        """Events or checkpoints of a job, newest first."""
        assert table in _TABLES
        self.get(job_id)  # 404 for an unknown job, and brings it up to date
        with self._lock:
            start = self._cursor(table, after, job_id)
            if start is None:
                return [], False
            rows = self._db.execute(
                f"SELECT doc FROM {table} WHERE job_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?",  # noqa: S608
                (job_id, start, limit + 1),
            ).fetchall()
            return [json.loads(doc) for (doc,) in rows[:limit]], len(rows) > limit

    # --- internals -----------------------------------------------------------------------------

    def _cursor(self, table: str, after: str | None, job_id: str | None) -> int | None:
        """The ``seq`` to page below: past the end for no cursor, ``None`` for an unknown one."""
        if after is None:
            return 1 << 62
        if job_id is None:
            row = self._db.execute(f"SELECT seq FROM {table} WHERE id = ?", (after,)).fetchone()  # noqa: S608
        else:
            row = self._db.execute(
                f"SELECT seq FROM {table} WHERE id = ? AND job_id = ?",  # noqa: S608
                (after, job_id),
            ).fetchone()
        return None if row is None else int(row[0])

    def _load(self, job_id: str) -> tuple[dict[str, Any], _Life | None]:
        row = self._db.execute("SELECT doc, life FROM jobs WHERE id = ?", (job_id,)).fetchone()
        if row is None:
            raise _errors.job_not_found(job_id)
        return json.loads(row[0]), _Life.load(row[1])

    def _sync(self, job: dict[str, Any], life: _Life, now: float) -> _Life | None:
        """Apply the milestones reached by ``now``; returns the life left (``None`` once finished)."""
        progress, reached = _lifecycle.due(life.progress, life.plan, now, self.step_seconds)
        if not reached:
            return life
        effects = _jobs.Effects()
        for milestone, when in reached:
            done = _jobs.apply_milestone(job, milestone, when, life.error)
            effects.events += done.events
            effects.checkpoints += done.checkpoints
        life.progress = progress
        left = None if job["status"] in _lifecycle.TERMINAL_STATUSES else life
        self._save(job, left, effects)
        if job["status"] == "succeeded" and job.get("result_files"):
            rows = self._db.execute("SELECT doc FROM events WHERE job_id = ? ORDER BY seq", (job["id"],))
            _files.store_result(self, job, [json.loads(doc) for (doc,) in rows])
        return left

    def _save(self, job: dict[str, Any], life: _Life | None, effects: _jobs.Effects) -> None:
        self._db.execute(
            "UPDATE jobs SET doc = ?, life = ? WHERE id = ?",
            (json.dumps(job), None if life is None else life.dump(), job["id"]),
        )
        self._insert("events", job["id"], effects.events)
        self._insert("checkpoints", job["id"], effects.checkpoints)

    def _insert(self, table: str, job_id: str, docs: list[dict[str, Any]]) -> None:
        self._db.executemany(
            f"INSERT INTO {table} (id, job_id, doc) VALUES (?, ?, ?)",  # noqa: S608
            [(doc["id"], job_id, json.dumps(doc)) for doc in docs],
        )

    def _render(self, job: dict[str, Any], life: _Life | None, now: float) -> dict[str, Any]:
        if life is not None and job["status"] == "running":
            job["estimated_finish"] = _lifecycle.estimated_finish(
                life.progress, life.plan, now, self.step_seconds
            )
        return job

    def _seed(self) -> None:
        """Jobs, events and checkpoints of the spec's examples (see ``_seed``)."""
        retrieved = _jobs.normalize_job(_seed.parse_lenient(_seed.RETRIEVE_JOB))
        listed = _seed.parse_lenient(_seed.LIST_JOBS)["data"][0]
        if retrieved.get("metadata") is None and listed["id"] == retrieved["id"]:
            retrieved["metadata"] = listed.get("metadata")
        dpo = _jobs.normalize_job(_seed.parse_lenient(_seed.CREATE_DPO_JOB))
        now = self.now()
        with self._db:
            self._db.execute("BEGIN")
            # Inserted oldest first (by created_at): lists show the newest first.
            for job in sorted((dpo, retrieved), key=lambda seeded: int(seeded["created_at"])):
                life = None
                if job["status"] not in _lifecycle.TERMINAL_STATUSES:
                    # A seeded job that is still queued goes on from its place in the plan.
                    steps = _jobs.train_steps(job)
                    plan = _lifecycle.plan(steps)
                    index = next(
                        i for i, m in enumerate(plan) if _lifecycle.STATUS_AFTER[m.kind] == job["status"]
                    )
                    active = plan[index].at * self.step_seconds
                    life = _Life(Progress(active=active, since=now, emitted=index + 1), steps, invalid=False)
                self._db.execute(
                    "INSERT INTO jobs (id, doc, life) VALUES (?, ?, ?)",
                    (job["id"], json.dumps(job), None if life is None else life.dump()),
                )
            events = _seed.parse_lenient(_seed.LIST_EVENTS)["data"]
            self._insert("events", retrieved["id"], [_jobs.normalize_event(e) for e in reversed(events)])
            checkpoints = _seed.parse_lenient(_seed.LIST_CHECKPOINTS)["data"]
            self._insert("checkpoints", retrieved["id"], list(reversed(checkpoints)))


def _open(path: str | None) -> sqlite3.Connection:
    """Connect and check the database: ours or empty, intact and writable; else :class:`DatabaseError`."""
    if path and path != ":memory:":
        reason = _path_problem(path)
        if reason is not None:
            raise _unusable(path, reason)
    db = None
    try:
        db = sqlite3.connect(
            path or ":memory:", check_same_thread=False, isolation_level=None, timeout=BUSY_TIMEOUT
        )
        problem = db.execute("PRAGMA quick_check(1)").fetchone()[0]
        if problem != "ok":
            raise _unusable(path, f"corrupt ({problem})")
        db.executescript(_SCHEMA + _permissions.SCHEMA + _files.SCHEMA)
        for table, wanted in _COLUMNS.items():
            columns = {row[1] for row in db.execute(f"PRAGMA table_info({table})")}
            if not wanted <= columns:
                raise _unusable(
                    path,
                    f"not an ftjobs database (table {table} lacks {', '.join(sorted(wanted - columns))})",
                )
        # A write, so that a read-only file or directory shows now rather than at the first create.
        db.execute(
            "INSERT INTO meta (key, value) VALUES ('schema', '1')"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value"
        )
    except sqlite3.Error as exc:
        if db is not None:
            db.close()
        raise _unusable(path, _reason(exc)) from None
    except DatabaseError:
        if db is not None:
            db.close()
        raise
    return db


def _unusable(path: str | None, reason: str) -> DatabaseError:
    """The startup error: one line naming the file and the reason."""
    return DatabaseError(f"cannot use database {path!r}: {' '.join(reason.split())}")


def _path_problem(path: str) -> str | None:
    """What makes ``path`` unusable before SQLite tries it (SQLite's own words are vaguer)."""
    if os.path.isdir(path):
        return "it is a directory"
    parent = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(parent):
        return f"{parent!r} is not a directory" if os.path.exists(parent) else f"{parent!r} does not exist"
    if os.path.exists(path):
        if not os.access(path, os.R_OK):
            return "permission denied (not readable)"
        if not os.access(path, os.W_OK):
            return "permission denied (read-only)"
    elif not os.access(parent, os.W_OK):
        return f"permission denied (cannot create files in {parent!r})"
    return None


def _reason(exc: sqlite3.Error) -> str:
    name = getattr(exc, "sqlite_errorname", "")
    if name == "SQLITE_NOTADB":
        return "not an SQLite database (file is not a database)"
    if name.startswith("SQLITE_READONLY"):
        return f"read-only ({exc})"
    if name.startswith("SQLITE_CORRUPT"):
        return f"corrupt ({exc})"
    if name.startswith("SQLITE_BUSY") or name.startswith("SQLITE_LOCKED"):
        return f"locked by another process ({exc})"
    return str(exc)


def _matches(value: Any, wanted: dict[str, str] | bool | None) -> bool:
    if isinstance(wanted, bool):  # False: no filter
        return True
    if wanted is None:
        return not value
    return isinstance(value, dict) and all(value.get(k) == v for k, v in wanted.items())
