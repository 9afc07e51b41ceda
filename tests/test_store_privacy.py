"""The store on disk, from the privacy review of the page and the rounds store: who can
read the file, and whether removed names are really gone from every file of a SQLite
store (the page's own findings are in test_web_security.py)."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest

pytest.importorskip("sqlalchemy")

from web_helpers import ROSTER

NAME = "Zebedeus Quixotica"
TEACHER = "Wilhelmina Xanthippe"


def _round(tmp_path: Path, db: Path, name: str = "Spring") -> object:
    from relscale.rounds.create import new_round
    from relscale.store.engine import open_store

    store = open_store(str(db), create=True)
    roster = tmp_path / f"{TEACHER} class.csv"  # a roster named after a person, too
    roster.write_text(ROSTER.replace("Sam", NAME).replace("Ms Jansen", TEACHER),
                      encoding="utf-8")
    new_round(store, name, roster, instruments=["relationship_quality"], sector="education",
              locale="en")
    return store


def _files_holding(folder: Path, *words: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in folder.iterdir():
        data = path.read_bytes()
        for word in words:
            if word.encode() in data:
                found.setdefault(path.name, []).append(word)
    return found


def test_a_new_store_file_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    """Finding: relscale.db (names and answers about children) and its -wal and -shm files
    were made with the umask's mode, 644 on most systems: every user of the machine could
    read them."""
    old = os.umask(0o022)
    try:
        store = _round(tmp_path, tmp_path / "relscale.db")
    finally:
        os.umask(old)
    try:
        modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in tmp_path.iterdir()
                 if p.name.startswith("relscale.db")}
        assert set(modes) >= {"relscale.db", "relscale.db-wal"}
        assert all(mode == 0o600 for mode in modes.values()), modes
    finally:
        store.close()  # type: ignore[attr-defined]


def test_serve_warns_about_a_store_others_can_read(tmp_path: Path) -> None:
    """The store made before this fix (mode 644) is named with the chmod that fixes it."""
    pytest.importorskip("starlette")
    from relscale.store.engine import open_store
    from relscale.web.server import store_warning

    db = tmp_path / "old.db"
    with open_store(str(db), create=True) as store:
        assert store_warning(store) is None
        db.chmod(0o644)
        warning = store_warning(store)
    assert warning is not None and f"chmod 600 {db}" in warning


def test_forgotten_and_deleted_names_are_in_no_file_of_the_store(tmp_path: Path) -> None:
    """Checked sound, with the finding about file names: after forget-names and delete no
    byte of a name is left in the store's files (secure_delete zeroes deleted rows and
    freed pages; the write-ahead log is emptied), the roster's file name included."""
    from relscale.rounds.manage import delete_round, forget_names

    store = _round(tmp_path, tmp_path / "s.db", "Spring")
    from relscale.rounds.create import new_round

    new_round(store, "Autumn", tmp_path / f"{TEACHER} class.csv",  # type: ignore[arg-type]
              instruments=["relationship_quality"], sector="education", locale="en")
    try:
        held = _files_holding(tmp_path, NAME, TEACHER)
        assert any(f.startswith("s.db") for f in held), held  # it was there
        forgot = forget_names(store, "Spring")  # type: ignore[arg-type]
        deleted = delete_round(store, "Autumn")  # type: ignore[arg-type]
        assert forgot.rows == 6 and forgot.wal_flushed and deleted.wal_flushed
        assert not forgot.vacuum_needed
        held = {f: w for f, w in _files_holding(tmp_path, NAME, TEACHER).items()
                if f.startswith("s.db")}
        assert held == {}
    finally:
        store.close()  # type: ignore[attr-defined]


def test_forget_names_says_when_a_reader_keeps_a_copy_in_the_log(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Finding: while another connection was reading (a page, an export, `relscale serve`
    beside the command line), emptying the write-ahead log could not finish, and
    forget-names still reported the names gone, though the log held them."""
    import relscale.rounds.manage as manage

    monkeypatch.setattr(manage, "CHECKPOINT_WAIT_MS", 200)
    db = tmp_path / "s.db"
    store = _round(tmp_path, db)
    reader = sqlite3.connect(db)
    try:
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM names").fetchall()
        forgot = manage.forget_names(store, "Spring")  # type: ignore[arg-type]
        assert forgot.rows == 6 and not forgot.wal_flushed
        assert NAME in _files_holding(tmp_path, NAME).get("s.db-wal", [])
        reader.rollback()
        again = manage.forget_names(store, "Spring")  # type: ignore[arg-type]
        assert again.rows == 0 and again.wal_flushed
        assert not any(f.startswith("s.db") for f in _files_holding(tmp_path, NAME))
    finally:
        reader.close()
        store.close()  # type: ignore[attr-defined]
