"""The registry of AI index numbers: who has which number, so no two documents share one.

One table of documents, unique on the whole index (series, subject, number, year), and one
counter row: the organisation-wide four-digit counter. `reserve` hands out the counter's next
number that no document of that year holds, in one transaction that first locks the counter
row (`SELECT … FOR UPDATE` on PostgreSQL, `BEGIN IMMEDIATE` on SQLite), so concurrent editors
queue in the database and the unique constraint backs it up. Two backends behind one class:
an SQLite file (embedded default, standard library) and PostgreSQL (psycopg 3) for a team.

Where the registry is: `--registry`, else `$BRIEFING_REGISTRY`, else the project's `registry`
setting (`pipeline.project`). Nothing is made outside a project.
"""
from __future__ import annotations

import datetime
import os
import re
import sqlite3
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ..project import Project, is_url
from .ai_index import COUNTER_SIZE, AIIndex

RESERVED, PUBLISHED = "reserved", "published"
BUSY_SECONDS = 30  # how long a writer waits for another to finish with an SQLite registry
_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS ai_index_counter (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    next_number INTEGER NOT NULL CHECK (next_number >= 0 AND next_number < {COUNTER_SIZE})
);
CREATE TABLE IF NOT EXISTS ai_index_documents (
    series TEXT NOT NULL,
    subject INTEGER NOT NULL,
    number INTEGER NOT NULL,
    year INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('{RESERVED}', '{PUBLISHED}')),
    title TEXT NOT NULL DEFAULT '',
    slug TEXT NOT NULL DEFAULT '',
    registered TEXT NOT NULL,
    UNIQUE (series, subject, number, year)
);
CREATE INDEX IF NOT EXISTS ai_index_documents_year ON ai_index_documents (year, number);
"""
_COLUMNS = "series, subject, number, year, status, title, slug, registered"


class RegistryError(Exception):
    """The registry refused an operation, or cannot be opened."""


class NoRegistry(RegistryError):
    """The configured SQLite file does not exist (and was not to be created)."""


@dataclass(frozen=True)
class Entry:
    index: AIIndex
    status: str  # RESERVED or PUBLISHED
    title: str = ""
    slug: str = ""
    registered: str = ""  # UTC, ISO 8601


def locate(option: str | None = None, project: Project | None = None) -> str | None:
    """The configured registry: a file path or a `postgresql://` URL, or None."""
    if option:
        return option
    if os.environ.get("BRIEFING_REGISTRY"):
        return os.environ["BRIEFING_REGISTRY"]
    return project.registry if project else None


def open_registry(location: str, create: bool = True) -> "Registry":
    """The registry at `location`; without `create`, a missing SQLite file is an error."""
    if is_url(location):
        return PostgresRegistry(location)
    path = Path(location)
    if not create and not (path.is_file() and path.stat().st_size):  # an empty file is none
        raise NoRegistry(f"no registry at {location} (run 'briefing index import' to make one)")
    return SqliteRegistry(Path(location), create)


def open_for_reading(location: str, quiet: bool = False) -> "Registry | None":
    """The registry at `location` if it exists and opens, else None and a warning (none for
    a missing file when `quiet`)."""
    try:
        return open_registry(location, create=False)
    except RegistryError as err:
        if not (quiet and isinstance(err, NoRegistry)):
            print(f"briefing: warning: {err}", file=sys.stderr)
        return None


class Registry:
    """The operations. A backend provides `_connect` and `_transaction`, its parameter
    marker, and the statements that lock the schema and the counter where its transaction
    alone does not."""

    marker = "?"
    schema_lock = ""
    counter_lock = ""

    def __init__(self, location: str, create: bool = True):
        """Open the registry; with `create`, make its tables if missing."""
        self.location = location
        self._db = self._connect()
        if not create:
            return
        with self._transaction() as cursor:
            if self.schema_lock:
                cursor.execute(self.schema_lock)
            for statement in filter(str.strip, _SCHEMA.split(";")):
                cursor.execute(statement)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> "Registry":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def reserve(self, series: str, subject: int, year: int, title: str = "",
                slug: str = "") -> AIIndex:
        """The next number of the counter that no document of `year` holds, now reserved."""
        if AIIndex(series, subject, 0, year).width != 4:
            raise RegistryError(f"the counter hands out four-digit numbers: {year} is before "
                                "the four-digit era")
        with self._transaction() as cursor:
            self._check_integrity(cursor)
            self._run(cursor, "INSERT INTO ai_index_counter (id, next_number) VALUES (1, 0) "
                              "ON CONFLICT (id) DO NOTHING")
            if self.counter_lock:
                cursor.execute(self.counter_lock)
            start = self._one(cursor, "SELECT next_number FROM ai_index_counter WHERE id = 1")[0]
            taken = {row[0] for row in self._all(
                cursor, "SELECT number FROM ai_index_documents WHERE year = ?", year)}
            free = next(((start + step) % COUNTER_SIZE for step in range(COUNTER_SIZE)
                         if (start + step) % COUNTER_SIZE not in taken), None)
            if free is None:
                raise RegistryError(f"every number of {year} is reserved or published")
            index = AIIndex(series, subject, free, year)
            self._insert(cursor, Entry(index, RESERVED, title, slug, _now()))
            self._run(cursor, "UPDATE ai_index_counter SET next_number = ? WHERE id = 1",
                      (free + 1) % COUNTER_SIZE)
        return index

    def register(self, index: AIIndex, title: str, slug: str) -> str:
        """Record a published document; returns what changed: 'added', 'published' (it was
        reserved), 'updated' or 'unchanged'. RegistryError if another document holds it."""
        with self._transaction() as cursor:
            entry = self._get(cursor, index)
            if entry and entry.slug and slug and entry.slug != slug:
                raise RegistryError(f"{index} is already registered to '{entry.slug}'")
            if entry is None:
                self._insert(cursor, Entry(index, PUBLISHED, title, slug, _now()))
                return "added"
            if (entry.status, entry.title, entry.slug) == (PUBLISHED, title, slug):
                return "unchanged"
            self._run(cursor, "UPDATE ai_index_documents SET status = ?, title = ?, slug = ? "
                      "WHERE series = ? AND subject = ? AND number = ? AND year = ?",
                      PUBLISHED, title, slug, *_key(index))
            return "published" if entry.status == RESERVED else "updated"

    def release(self, index: AIIndex) -> None:
        """Give back a reserved number; a published one is never released."""
        with self._transaction() as cursor:
            entry = self._get(cursor, index)
            if entry is None:
                raise RegistryError(f"{index} is not in the registry")
            if entry.status == PUBLISHED:
                raise RegistryError(f"{index} is published ('{entry.slug}'): it cannot be released")
            self._run(cursor, "DELETE FROM ai_index_documents WHERE series = ? AND subject = ? "
                      "AND number = ? AND year = ?", *_key(index))

    def get(self, index: AIIndex) -> Entry | None:
        with self._reading() as cursor:
            return self._get(cursor, index)

    def entries(self) -> list[Entry]:
        """Every registered document, by year then number."""
        with self._reading() as cursor:
            rows = self._all(cursor, f"SELECT {_COLUMNS} FROM ai_index_documents "
                                     "ORDER BY year, number, series, subject")
        return [_entry(row) for row in rows]

    def start_counter(self, number: int) -> bool:
        """Set where the counter starts, if it has never handed out a number; True if set."""
        with self._transaction() as cursor:
            self._run(cursor, "INSERT INTO ai_index_counter (id, next_number) VALUES (1, ?) "
                              "ON CONFLICT (id) DO NOTHING", number % COUNTER_SIZE)
            return cursor.rowcount == 1

    # Helpers ----------------------------------------------------------------------------

    def _get(self, cursor, index: AIIndex) -> Entry | None:
        row = self._one(cursor, f"SELECT {_COLUMNS} FROM ai_index_documents WHERE series = ? "
                                "AND subject = ? AND number = ? AND year = ?", *_key(index))
        return _entry(row) if row else None

    def _insert(self, cursor, entry: Entry) -> None:
        self._run(cursor, f"INSERT INTO ai_index_documents ({_COLUMNS}) "
                          "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                  *_key(entry.index), entry.status, entry.title, entry.slug, entry.registered)

    def _run(self, cursor, sql: str, *params) -> None:
        cursor.execute(sql.replace("?", self.marker), params)

    def _one(self, cursor, sql: str, *params):
        self._run(cursor, sql, *params)
        return cursor.fetchone()

    def _all(self, cursor, sql: str, *params) -> list:
        self._run(cursor, sql, *params)
        return cursor.fetchall()

    def _check_integrity(self, cursor) -> None:
        """Before a number is handed out: RegistryError if the storage is damaged."""

    def _connect(self):
        raise NotImplementedError

    @contextmanager
    def _transaction(self):
        """A transaction holding the right to write, yielding a cursor; an integrity
        violation becomes a RegistryError."""
        raise NotImplementedError

    @contextmanager
    def _reading(self):
        """A transaction that only reads (and waits for no writer), yielding a cursor."""
        raise NotImplementedError


class SqliteRegistry(Registry):
    """An SQLite file in WAL mode: `BEGIN IMMEDIATE` takes the database's write lock for the
    whole transaction, and other writers wait for it (up to `BUSY_SECONDS`, then a
    RegistryError naming the process that holds it); readers never wait for a writer."""

    def __init__(self, path: Path, create: bool = True):
        super().__init__(str(path), create)

    def _connect(self):
        try:
            db = sqlite3.connect(self.location, timeout=BUSY_SECONDS, isolation_level=None)
            db.execute("PRAGMA journal_mode = WAL")
        except sqlite3.Error as err:
            raise self._failure(err) from None
        return db

    def _check_integrity(self, cursor) -> None:
        try:
            problems = [row[0] for row in cursor.execute("PRAGMA quick_check").fetchall()]
        except sqlite3.DatabaseError as err:  # damaged where the check itself must read
            problems = [str(err)]
        if problems != ["ok"]:
            detail = " ".join(" ".join(problems).replace("*** in database main ***", "").split())
            detail = detail if len(detail) <= 100 else detail[:99] + "…"
            raise RegistryError(f"the registry {self.location} is damaged ({detail}): no number "
                                "is handed out; restore it from a backup")

    @contextmanager
    def _transaction(self):
        with self._guarded():
            cursor = self._db.cursor()
            cursor.execute("BEGIN IMMEDIATE")
            try:
                yield cursor
            except sqlite3.IntegrityError as err:
                cursor.execute("ROLLBACK")
                raise RegistryError(f"the registry refused the change: {err}") from None
            except BaseException:
                cursor.execute("ROLLBACK")
                raise
            cursor.execute("COMMIT")

    @contextmanager
    def _reading(self):
        with self._guarded():
            cursor = self._db.cursor()
            cursor.execute("BEGIN")
            try:
                yield cursor
            finally:
                cursor.execute("ROLLBACK")

    @contextmanager
    def _guarded(self):
        """SQLite's own errors (locked, damaged, not a database) as one-line RegistryErrors."""
        try:
            yield
        except sqlite3.Error as err:
            raise self._failure(err) from None

    def _failure(self, err: sqlite3.Error) -> RegistryError:
        if "locked" in str(err) or "busy" in str(err):
            holders = ", ".join(_holders(self.location)) or "another process"
            return RegistryError(f"the registry {self.location} is locked by {holders}, still "
                                 f"after {BUSY_SECONDS} s: try again when it has finished")
        return RegistryError(f"cannot read the registry {self.location}: "
                             f"{' '.join(str(err).split())}")


def _holders(path: str) -> list[str]:
    """The processes holding a lock on the SQLite file `path` or its WAL files (from Linux's
    /proc/locks), as `pid N (command)`; empty where that is not known."""
    inodes = set()
    for name in (path, path + "-wal", path + "-shm"):
        try:
            info = os.stat(name)
        except OSError:
            continue
        inodes.add((os.major(info.st_dev), os.minor(info.st_dev), info.st_ino))
    found = []
    try:
        locks = Path("/proc/locks").read_text().splitlines()
    except OSError:
        return []
    for line in locks:
        fields = line.split()
        if len(fields) < 6 or "->" in fields:
            continue
        pid, (major, minor, inode) = fields[4], fields[5].split(":")
        if (int(major, 16), int(minor, 16), int(inode)) in inodes and pid != str(os.getpid()):
            try:
                command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
            except OSError:
                command = b"?"
            command = " ".join(command.decode(errors="replace").split())  # one line
            found.append(f"pid {pid} ({command[:60]})")
    return sorted(set(found))


class PostgresRegistry(Registry):
    """A PostgreSQL database: the counter row is locked with `SELECT … FOR UPDATE`, so
    reservations from any number of machines are serialised by the server."""

    marker = "%s"
    schema_lock = "SELECT pg_advisory_xact_lock(4201537)"  # concurrent CREATE TABLE IF NOT EXISTS
    counter_lock = "SELECT next_number FROM ai_index_counter WHERE id = 1 FOR UPDATE"

    def _connect(self):
        import psycopg  # only needed for a team registry

        try:
            return psycopg.connect(self.location, autocommit=True, connect_timeout=10)
        except psycopg.Error as err:
            raise RegistryError(f"cannot open the registry {redacted(self.location)}: "
                                f"{' '.join(str(err).split())}") from None

    @contextmanager
    def _transaction(self):
        import psycopg

        try:
            with self._db.transaction(), self._db.cursor() as cursor:
                yield cursor
        except psycopg.errors.IntegrityError as err:
            raise RegistryError("the registry refused the change: "
                                f"{' '.join(str(err).split())}") from None

    _reading = _transaction  # PostgreSQL's readers never wait for its writers


def _key(index: AIIndex) -> tuple:
    return index.series, index.subject, index.number, index.year


def _entry(row) -> Entry:
    series, subject, number, year, status, title, slug, registered = row
    return Entry(AIIndex(series, subject, number, year), status, title, slug, registered)


def _now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")


def redacted(location: str) -> str:
    """The registry's location as messages show it: without a password (`user:…@` or
    `?password=…`)."""
    location = re.sub(r"(//[^:/@]+):[^@]*@", r"\1:***@", location)
    return re.sub(r"(?i)([?&]password=)[^&]*", r"\1***", location)
