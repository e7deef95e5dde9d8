"""SQLite persistence: schema (and the columns older state files lack),
one-transaction-per-request, and small typed queries. No rules here (backend.py).

Permissions are unsigned 64-bit values; SQLite's INTEGER is signed 64-bit, so they are
stored as decimal TEXT and converted at the boundary.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import unverified as U

SCHEMA = """
CREATE TABLE IF NOT EXISTS communities (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    group_id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    type TEXT NOT NULL,
    support_topic INTEGER NOT NULL,
    owner TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS topics (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    group_id TEXT NOT NULL,
    topic_id TEXT NOT NULL UNIQUE,
    topic_name TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS topics_by_group ON topics (group_id, seq);
CREATE TABLE IF NOT EXISTS permission_groups (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    group_id TEXT NOT NULL,
    pg_id TEXT NOT NULL,
    name TEXT NOT NULL,
    permission TEXT NOT NULL,
    custom_string TEXT NOT NULL,
    UNIQUE (group_id, pg_id)
);
CREATE TABLE IF NOT EXISTS topic_permissions (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    group_id TEXT NOT NULL,
    pg_id TEXT NOT NULL,
    topic_id TEXT NOT NULL,
    permission TEXT NOT NULL,
    UNIQUE (group_id, pg_id, topic_id)
);
CREATE INDEX IF NOT EXISTS topic_permissions_by_topic ON topic_permissions (topic_id);
CREATE TABLE IF NOT EXISTS members (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    group_id TEXT NOT NULL,
    pg_id TEXT NOT NULL,
    account TEXT NOT NULL,
    UNIQUE (group_id, pg_id, account)
);
CREATE INDEX IF NOT EXISTS members_by_pg ON members (group_id, pg_id, seq);
"""

TABLES = ("communities", "topics", "permission_groups", "topic_permissions", "members")

# Columns added after the first schema. `Store` adds whichever a state file lacks (new files
# too, so one path serves both); SQLite's ADD COLUMN needs a constant default for NOT NULL.
ADDED_COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    "communities": (
        ("introduction", "TEXT NOT NULL DEFAULT ''"),
        ("notification", "TEXT NOT NULL DEFAULT ''"),
        ("face_url", "TEXT NOT NULL DEFAULT ''"),
        ("enable_permission", f"INTEGER NOT NULL DEFAULT {int(U.ENABLE_PERMISSION_DEFAULT)}"),
        # unsigned 64-bit, so decimal TEXT like the permission-group permissions
        ("default_permission", f"TEXT NOT NULL DEFAULT '{int(U.DEFAULT_PERMISSION_DEFAULT)}'"),
    ),
    "topics": (
        ("introduction", "TEXT NOT NULL DEFAULT ''"),
        ("notification", "TEXT NOT NULL DEFAULT ''"),
        ("face_url", "TEXT NOT NULL DEFAULT ''"),
        ("custom_string", "TEXT NOT NULL DEFAULT ''"),
        ("shut_up_all", "INTEGER NOT NULL DEFAULT 0"),
        ("create_time", "INTEGER NOT NULL DEFAULT 0"),
    ),
}


@dataclass(frozen=True)
class Community:
    """A group row (any type; only Community groups serve the permission APIs)."""

    group_id: str
    name: str
    type: str
    support_topic: bool
    owner: str
    introduction: str = ""
    notification: str = ""
    face_url: str = ""
    enable_permission: int = U.ENABLE_PERMISSION_DEFAULT
    default_permission: int = U.DEFAULT_PERMISSION_DEFAULT


# Community attribute -> column, for reads and partial updates (permissions stored as TEXT).
_COMMUNITY_COLUMNS = ("group_id", "name", "type", "support_topic", "owner", "introduction",
                      "notification", "face_url", "enable_permission", "default_permission")


@dataclass(frozen=True)
class Topic:
    """A topic row; what get_topic reports about it."""

    topic_id: str
    name: str
    introduction: str = ""
    notification: str = ""
    face_url: str = ""
    custom_string: str = ""
    shut_up_all: int = 0
    create_time: int = 0


_TOPIC_COLUMNS = ("topic_id", "topic_name", "introduction", "notification", "face_url",
                  "custom_string", "shut_up_all", "create_time")


@dataclass(frozen=True)
class PermissionGroup:
    """A permission group with its member count."""

    seq: int
    pg_id: str
    name: str
    permission: int
    custom_string: str
    member_count: int


class Store:
    """One SQLite connection; callers wrap each API request in `transaction()`."""

    def __init__(self, path: str | Path | None) -> None:
        if path is None:
            target = ":memory:"
        else:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            target = str(path)
        self.conn = sqlite3.connect(target, isolation_level=None, check_same_thread=False)
        if path is not None:
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.executescript(SCHEMA)
        self._migrate()

    def _migrate(self) -> None:
        """Add the columns of ADDED_COLUMNS that the file lacks (state files of older runs)."""
        for table, columns in ADDED_COLUMNS.items():
            have = {row[1] for row in self.conn.execute(f"PRAGMA table_info({table})")}
            for name, decl in columns:
                if name not in have:
                    self.conn.execute(
                        f"ALTER TABLE {table} ADD COLUMN {name} {decl}")  # noqa: S608

    def close(self) -> None:
        self.conn.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK when the body raises."""
        c = self.conn
        c.execute("BEGIN IMMEDIATE")
        try:
            yield c
        except BaseException:
            c.execute("ROLLBACK")
            raise
        c.execute("COMMIT")

    def clear(self) -> None:
        with self.transaction() as c:
            for t in TABLES:
                c.execute(f"DELETE FROM {t}")  # noqa: S608 - fixed table names

    # --- communities and topics ----------------------------------------------------------

    def get_community(self, group_id: str) -> Community | None:
        row = self.conn.execute(
            f"SELECT {', '.join(_COMMUNITY_COLUMNS)} FROM communities "  # noqa: S608
            "WHERE group_id = ?", (group_id,)).fetchone()
        if row is None:
            return None
        return Community(row[0], row[1], row[2], bool(row[3]), row[4], row[5], row[6], row[7],
                         int(row[8]), int(row[9]))

    def insert_community(self, c: Community) -> None:
        self.conn.execute(
            f"INSERT INTO communities ({', '.join(_COMMUNITY_COLUMNS)}) "  # noqa: S608
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (c.group_id, c.name, c.type, int(c.support_topic), c.owner, c.introduction,
             c.notification, c.face_url, int(c.enable_permission), str(c.default_permission)))

    def update_community(self, group_id: str, changes: dict[str, Any]) -> None:
        """Set the given Community attributes (names as in the dataclass)."""
        self._update("communities", _COMMUNITY_COLUMNS, changes, "group_id = ?", (group_id,))

    def list_groups(self, group_type: str | None, after_seq: int,
                    limit: int) -> list[tuple[int, str]]:
        """(seq, group_id) in creation order after ``after_seq``, optionally of one type."""
        where, args = "seq > ?", [after_seq]
        if group_type is not None:
            where += " AND type = ?"
            args.append(group_type)  # type: ignore[arg-type]
        return [(r[0], r[1]) for r in self.conn.execute(
            f"SELECT seq, group_id FROM communities WHERE {where} "  # noqa: S608
            "ORDER BY seq LIMIT ?", (*args, limit))]

    def count_groups(self, group_type: str | None) -> int:
        if group_type is None:
            return int(self.conn.execute("SELECT COUNT(*) FROM communities").fetchone()[0])
        return int(self.conn.execute("SELECT COUNT(*) FROM communities WHERE type = ?",
                                     (group_type,)).fetchone()[0])

    def delete_community(self, group_id: str) -> None:
        for t in TABLES:
            self.conn.execute(f"DELETE FROM {t} WHERE group_id = ?", (group_id,))  # noqa: S608

    def topic_group(self, topic_id: str) -> str | None:
        row = self.conn.execute("SELECT group_id FROM topics WHERE topic_id = ?",
                                (topic_id,)).fetchone()
        return None if row is None else row[0]

    _TOPIC_SELECT = f"SELECT {', '.join(_TOPIC_COLUMNS)} FROM topics "  # noqa: S608

    @staticmethod
    def _topic(row: tuple) -> Topic:
        return Topic(row[0], row[1], row[2], row[3], row[4], row[5], int(row[6]), int(row[7]))

    def get_topic(self, group_id: str, topic_id: str) -> Topic | None:
        row = self.conn.execute(self._TOPIC_SELECT + "WHERE group_id = ? AND topic_id = ?",
                                (group_id, topic_id)).fetchone()
        return None if row is None else self._topic(row)

    def list_topics(self, group_id: str) -> list[Topic]:
        return [self._topic(r) for r in self.conn.execute(
            self._TOPIC_SELECT + "WHERE group_id = ? ORDER BY seq", (group_id,))]

    def insert_topic(self, group_id: str, t: Topic) -> None:
        self.conn.execute(
            f"INSERT INTO topics (group_id, {', '.join(_TOPIC_COLUMNS)}) "  # noqa: S608
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (group_id, t.topic_id, t.name, t.introduction, t.notification, t.face_url,
             t.custom_string, t.shut_up_all, t.create_time))

    def update_topic(self, group_id: str, topic_id: str, changes: dict[str, Any]) -> None:
        """Set the given Topic attributes (names as in the dataclass; ``name`` = topic_name)."""
        cols = {("topic_name" if k == "name" else k): v for k, v in changes.items()}
        self._update("topics", _TOPIC_COLUMNS, cols, "group_id = ? AND topic_id = ?",
                     (group_id, topic_id))

    def delete_topic(self, group_id: str, topic_id: str) -> None:
        self.conn.execute("DELETE FROM topic_permissions WHERE group_id = ? AND topic_id = ?",
                          (group_id, topic_id))
        self.conn.execute("DELETE FROM topics WHERE group_id = ? AND topic_id = ?",
                          (group_id, topic_id))

    def _update(self, table: str, allowed: tuple[str, ...], changes: dict[str, Any],
                where: str, key: tuple[str, ...]) -> None:
        """UPDATE ``table`` SET the given columns (fixed names only) WHERE ``where``."""
        if not changes:
            return
        unknown = set(changes) - set(allowed)
        if unknown:
            raise KeyError(f"not a column of {table}: {sorted(unknown)}")
        sets = ", ".join(f"{col} = ?" for col in changes)
        args = [str(v) if col == "default_permission" else v for col, v in changes.items()]
        self.conn.execute(f"UPDATE {table} SET {sets} WHERE {where}",  # noqa: S608
                          (*args, *key))

    # --- permission groups ----------------------------------------------------------------

    _PG_SELECT = ("SELECT p.seq, p.pg_id, p.name, p.permission, p.custom_string, "
                  "(SELECT COUNT(*) FROM members m WHERE m.group_id = p.group_id "
                  "AND m.pg_id = p.pg_id) FROM permission_groups p ")

    @staticmethod
    def _pg(row: tuple) -> PermissionGroup:
        return PermissionGroup(row[0], row[1], row[2], int(row[3]), row[4], row[5])

    def pg_exists(self, group_id: str, pg_id: str) -> bool:
        return self.conn.execute(
            "SELECT 1 FROM permission_groups WHERE group_id = ? AND pg_id = ?",
            (group_id, pg_id)).fetchone() is not None

    def get_pg(self, group_id: str, pg_id: str) -> PermissionGroup | None:
        row = self.conn.execute(self._PG_SELECT + "WHERE p.group_id = ? AND p.pg_id = ?",
                                (group_id, pg_id)).fetchone()
        return None if row is None else self._pg(row)

    def list_pgs(self, group_id: str, after_seq: int, limit: int) -> list[PermissionGroup]:
        rows = self.conn.execute(
            self._PG_SELECT + "WHERE p.group_id = ? AND p.seq > ? ORDER BY p.seq LIMIT ?",
            (group_id, after_seq, limit)).fetchall()
        return [self._pg(r) for r in rows]

    def insert_pg(self, group_id: str, pg_id: str, name: str, permission: int,
                  custom_string: str) -> None:
        self.conn.execute(
            "INSERT INTO permission_groups (group_id, pg_id, name, permission, custom_string) "
            "VALUES (?, ?, ?, ?, ?)", (group_id, pg_id, name, str(permission), custom_string))

    def update_pg(self, group_id: str, pg_id: str, name: str | None, permission: int | None,
                  custom_string: str | None) -> None:
        sets: list[str] = []
        args: list[object] = []
        for col, val in (("name", name), ("custom_string", custom_string),
                         ("permission", None if permission is None else str(permission))):
            if val is not None:
                sets.append(f"{col} = ?")
                args.append(val)
        if sets:
            self.conn.execute(
                f"UPDATE permission_groups SET {', '.join(sets)} "  # noqa: S608
                "WHERE group_id = ? AND pg_id = ?", (*args, group_id, pg_id))

    def delete_pg(self, group_id: str, pg_id: str) -> bool:
        cur = self.conn.execute("DELETE FROM permission_groups WHERE group_id = ? AND pg_id = ?",
                                (group_id, pg_id))
        if cur.rowcount == 0:
            return False
        for t in ("topic_permissions", "members"):
            self.conn.execute(f"DELETE FROM {t} WHERE group_id = ? AND pg_id = ?",  # noqa: S608
                              (group_id, pg_id))
        return True

    # --- topic permissions ----------------------------------------------------------------

    def get_topic_perm(self, group_id: str, pg_id: str, topic_id: str) -> int | None:
        row = self.conn.execute(
            "SELECT permission FROM topic_permissions WHERE group_id = ? AND pg_id = ? "
            "AND topic_id = ?", (group_id, pg_id, topic_id)).fetchone()
        return None if row is None else int(row[0])

    def list_topic_perms(self, group_id: str, pg_id: str) -> list[tuple[str, int]]:
        return [(r[0], int(r[1])) for r in self.conn.execute(
            "SELECT topic_id, permission FROM topic_permissions WHERE group_id = ? "
            "AND pg_id = ? ORDER BY seq", (group_id, pg_id))]

    def upsert_topic_perm(self, group_id: str, pg_id: str, topic_id: str,
                          permission: int) -> None:
        self.conn.execute(
            "INSERT INTO topic_permissions (group_id, pg_id, topic_id, permission) "
            "VALUES (?, ?, ?, ?) ON CONFLICT (group_id, pg_id, topic_id) "
            "DO UPDATE SET permission = excluded.permission",
            (group_id, pg_id, topic_id, str(permission)))

    def delete_topic_perm(self, group_id: str, pg_id: str, topic_id: str) -> bool:
        cur = self.conn.execute(
            "DELETE FROM topic_permissions WHERE group_id = ? AND pg_id = ? AND topic_id = ?",
            (group_id, pg_id, topic_id))
        return cur.rowcount > 0

    # --- members -----------------------------------------------------------------------

    def add_member(self, group_id: str, pg_id: str, account: str) -> bool:
        cur = self.conn.execute(
            "INSERT OR IGNORE INTO members (group_id, pg_id, account) VALUES (?, ?, ?)",
            (group_id, pg_id, account))
        return cur.rowcount > 0

    def delete_member(self, group_id: str, pg_id: str, account: str) -> None:
        self.conn.execute("DELETE FROM members WHERE group_id = ? AND pg_id = ? AND account = ?",
                          (group_id, pg_id, account))

    def list_members(self, group_id: str, pg_id: str, after_seq: int,
                     limit: int) -> list[tuple[int, str]]:
        return [(r[0], r[1]) for r in self.conn.execute(
            "SELECT seq, account FROM members WHERE group_id = ? AND pg_id = ? AND seq > ? "
            "ORDER BY seq LIMIT ?", (group_id, pg_id, after_seq, limit))]
