"""SQLite faults: an unusable db at startup is one line and exit 2; a locked, read-only or corrupt
db while serving is a JSON 503/500 in the API's shape, the server stays up and loses nothing it
acknowledged (including across a kill -9)."""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx2
import pytest

from ftjobs._server import Server
from ftjobs._server._store import DatabaseError, Store

from .conftest import AUTH, STEP, Harness, frozen_clock

SERVE = [sys.executable, "-m", "ftjobs", "serve", "--port", "0", "--quiet", "--db"]


@contextlib.contextmanager
def read_only(path: Path) -> Iterator[None]:
    """Make ``path`` (a file or a directory) unwritable, even for root (chattr +i), then restore it."""
    if os.geteuid() != 0:
        mode = path.stat().st_mode
        path.chmod(0o555 if path.is_dir() else 0o444)
        try:
            yield
        finally:
            path.chmod(mode)
        return
    if subprocess.run(["chattr", "+i", str(path)], check=False, capture_output=True).returncode:
        pytest.skip("root, and chattr +i is not available here: cannot make a path read-only")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)


def made_db(tmp_path: Path) -> Path:
    """A valid ftjobs database with the seeded jobs."""
    db = tmp_path / "ftjobs.sqlite3"
    Store(str(db), clock=frozen_clock, step_seconds=STEP, organization_id="org").close()
    return db


def corrupt_pages(db: Path) -> None:
    """Overwrite every page after the first with garbage (the header stays valid)."""
    size = db.stat().st_size
    with db.open("r+b") as handle:
        handle.seek(4096)
        handle.write(b"\xa5" * (size - 4096))


def a_directory(tmp: Path) -> Path:
    return tmp


def missing_parent(tmp: Path) -> Path:
    return tmp / "nope" / "db.sqlite3"


def parent_is_a_file(tmp: Path) -> Path:
    (tmp / "f").write_text("x")
    return tmp / "f" / "db.sqlite3"


def not_sqlite(tmp: Path) -> Path:
    (tmp / "g").write_bytes(b"hello" * 1000)
    return tmp / "g"


def corrupt(tmp: Path) -> Path:
    db = made_db(tmp)
    corrupt_pages(db)
    return db


def not_ours(tmp: Path) -> Path:
    db = tmp / "other.sqlite3"
    with contextlib.closing(sqlite3.connect(db)) as connection:
        connection.execute("CREATE TABLE jobs (name TEXT)")
        connection.commit()
    return db


STARTUP_CASES: list[tuple[Callable[[Path], Path], str]] = [
    (a_directory, "it is a directory"),
    (missing_parent, "does not exist"),
    (parent_is_a_file, "is not a directory"),
    (not_sqlite, "not an SQLite database"),
    (corrupt, "corrupt"),
    (not_ours, "not an ftjobs database (table jobs lacks doc, id, life, seq)"),
]


@pytest.mark.parametrize(("make", "reason"), STARTUP_CASES, ids=[case[0].__name__ for case in STARTUP_CASES])
def test_unusable_db_at_startup_is_one_line_and_exit_2(
    tmp_path: Path, make: Callable[[Path], Path], reason: str
) -> None:
    """`ftjobs serve --db BAD` exits 2 with one stderr line naming the file and the reason."""
    db = make(tmp_path)
    result = subprocess.run([*SERVE, str(db)], check=False, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("ftjobs serve: cannot use database ")
    assert repr(str(db)) in lines[0]
    assert reason in lines[0]


def test_read_only_db_at_startup(tmp_path: Path) -> None:
    """A db file that cannot be written is refused at startup, not at the first create."""
    db = made_db(tmp_path)
    with read_only(db):
        result = subprocess.run([*SERVE, str(db)], check=False, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert len(result.stderr.splitlines()) == 1
    assert "read-only" in result.stderr
    assert repr(str(db)) in result.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file: cannot make one unreadable")
def test_unreadable_db_at_startup(tmp_path: Path) -> None:
    """A db file the user cannot read is refused at startup with the reason."""
    db = made_db(tmp_path)
    db.chmod(0)
    try:
        result = subprocess.run([*SERVE, str(db)], check=False, capture_output=True, text=True, timeout=60)
    finally:
        db.chmod(0o644)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"ftjobs serve: cannot use database {str(db)!r}: permission denied (not readable)"
    ]


def test_read_only_directory_at_startup(tmp_path: Path) -> None:
    """A new db in a directory that cannot be written is refused at startup."""
    folder = tmp_path / "ro"
    folder.mkdir()
    with read_only(folder), pytest.raises(DatabaseError, match="cannot use database") as caught:
        Server(db=folder / "new.sqlite3").start()
    assert "\n" not in str(caught.value)


# --- while serving -------------------------------------------------------------------------------


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Harness, Path]]:
    db = tmp_path / "served.sqlite3"
    with Server(db=db, clock=frozen_clock, step_seconds=STEP) as server:
        harness = Harness(server)
        try:
            yield harness, db
        finally:
            harness.close()


def job_ids(harness: Harness) -> list[str]:
    response = harness.api.get("/fine_tuning/jobs", params={"limit": 100})
    assert response.status_code == 200, response.text
    return [job["id"] for job in response.json()["data"]]


def assert_server_error(response: httpx2.Response, status: int) -> None:
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert set(error) == {"message", "type", "param", "code"}
    assert error["type"] == "server_error"
    assert response.headers["x-request-id"].startswith("req_")


def test_locked_db_is_a_503_and_then_works(served: tuple[Harness, Path]) -> None:
    """While another process holds the database, requests answer 503 (Retry-After) after the busy
    timeout; once it lets go, everything works and the refused create left nothing behind."""
    harness, db = served
    kept = harness.create()["id"]
    before = job_ids(harness)
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        refused = harness.api.post("/fine_tuning/jobs", json={"model": "m", "training_file": "f"})
        assert_server_error(refused, 503)
        assert refused.headers["retry-after"] == "1"
        assert_server_error(harness.api.get(f"/fine_tuning/jobs/{kept}"), 503)
        assert harness.admin.get("/health").status_code == 200
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert job_ids(harness) == before
    assert harness.create()["id"] in job_ids(harness)


def test_read_only_directory_while_serving_is_a_500(served: tuple[Harness, Path]) -> None:
    """Writes fail with a JSON 500 while the db's directory is read-only; reads and earlier jobs
    are intact, and writing works again once it is writable."""
    harness, db = served
    kept = harness.create()["id"]
    with read_only(db.parent):
        assert_server_error(
            harness.api.post("/fine_tuning/jobs", json={"model": "m", "training_file": "f"}), 500
        )
        assert_server_error(harness.api.post(f"/fine_tuning/jobs/{kept}/cancel"), 500)
        assert harness.admin.get("/health").status_code == 200
    assert harness.job(kept)["status"] == "validating_files"
    assert harness.api.post(f"/fine_tuning/jobs/{kept}/cancel").json()["status"] == "cancelled"


def test_moved_db_is_a_500_and_the_server_stays_up(served: tuple[Harness, Path]) -> None:
    """A db renamed under the server (SQLite then refuses writes) answers 500s, not dropped
    connections; the jobs acknowledged before are in the file."""
    harness, db = served
    kept = harness.create()["id"]
    moved = db.with_name("moved.sqlite3")
    db.rename(moved)
    assert_server_error(harness.api.post("/fine_tuning/jobs", json={"model": "m", "training_file": "f"}), 500)
    assert_server_error(harness.admin.post("/advance", json={"seconds": 1}), 500)
    assert harness.admin.get("/health").status_code == 200
    with contextlib.closing(sqlite3.connect(moved)) as connection:
        stored = [row[0] for row in connection.execute("SELECT id FROM jobs")]
    assert kept in stored


def test_corrupted_db_is_a_500_and_recovers(served: tuple[Harness, Path]) -> None:
    """A db file overwritten with garbage while serving answers JSON 500s; the server stays up and,
    with the file restored, shows every job it acknowledged."""
    harness, db = served
    kept = harness.create()["id"]
    saved = db.read_bytes()
    db.write_bytes(b"\x00garbage" * (len(saved) // 8))
    assert_server_error(harness.api.get(f"/fine_tuning/jobs/{kept}"), 500)
    assert_server_error(harness.api.get("/fine_tuning/jobs"), 500)
    assert_server_error(harness.api.post("/fine_tuning/jobs", json={"model": "m", "training_file": "f"}), 500)
    assert harness.admin.get("/health").status_code == 200
    db.write_bytes(saved)
    assert kept in job_ids(harness)


def test_kill_9_loses_no_acknowledged_job(tmp_path: Path) -> None:
    """Every create answered 200 before a SIGKILL is in the db when `ftjobs serve` restarts on it."""
    db = tmp_path / "killed.sqlite3"
    acknowledged: list[str] = []
    for _ in range(2):
        child = subprocess.Popen([*SERVE, str(db)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            assert child.stdout is not None
            url = child.stdout.readline().split()[-1]
            with httpx2.Client(base_url=url, headers=AUTH, timeout=10) as client:
                listed = [
                    job["id"] for job in client.get("/fine_tuning/jobs", params={"limit": 100}).json()["data"]
                ]
                assert set(acknowledged) <= set(listed)
                for _ in range(10):
                    response = client.post("/fine_tuning/jobs", json={"model": "m", "training_file": "f"})
                    assert response.status_code == 200
                    acknowledged.append(response.json()["id"])
            child.send_signal(signal.SIGKILL)
            child.wait(timeout=30)
        finally:
            if child.poll() is None:
                child.kill()
                child.wait()
    with Server(db=db, clock=frozen_clock) as server:
        harness = Harness(server)
        assert set(acknowledged) <= set(job_ids(harness))
        harness.close()
    assert len(acknowledged) == 20
