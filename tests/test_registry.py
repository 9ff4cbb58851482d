"""The registry of AI index numbers, on both backends: the counter, its gaps and wrap, and
many processes reserving at once. The PostgreSQL tests need a server: `.ci/run` starts one
and sets BRIEFING_TEST_POSTGRES; in CI they are never skipped."""
from __future__ import annotations

import multiprocessing
import os
import re
import sqlite3
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from conftest import MINIMAL, write_doc
from registry_worker import reserve_many
from pipeline.commands.cli import main
from pipeline.house.ai_index import AIIndex
from pipeline import project as projects
from pipeline.house.registry import PUBLISHED, RESERVED, RegistryError, locate, open_registry

POSTGRES = os.environ.get("BRIEFING_TEST_POSTGRES")


def postgres_url() -> str:
    """The test server's URL, its tables dropped."""
    if not POSTGRES:
        if os.environ.get("CI") == "true":
            pytest.fail("BRIEFING_TEST_POSTGRES is not set: .ci/run starts PostgreSQL and sets it")
        pytest.skip("set BRIEFING_TEST_POSTGRES=postgresql://… to test the PostgreSQL registry")
    import psycopg

    with psycopg.connect(POSTGRES, autocommit=True) as db:
        db.execute("DROP TABLE IF EXISTS ai_index_documents, ai_index_counter")
    return POSTGRES


@pytest.fixture(params=["sqlite", "postgresql"])
def location(request, tmp_path) -> str:
    return str(tmp_path / "registry.sqlite3") if request.param == "sqlite" else postgres_url()


@pytest.fixture
def registry(location):
    with open_registry(location) as registry:
        yield registry


def numbers(indexes) -> list[str]:
    return [index.serial for index in indexes]


def test_counter_hands_out_the_next_free_number_of_the_year(registry):
    registry.register(AIIndex.parse("IOR 53/0001/2024"), "Published", "published")
    registry.register(AIIndex.parse("AMR 51/0003/2024"), "Other series, same counter", "other")
    registry.register(AIIndex.parse("IOR 53/0002/2023"), "Another year", "last-year")
    got = [registry.reserve("IOR", 53, 2024) for _ in range(3)]
    assert numbers(got) == ["0000", "0002", "0004"]
    assert registry.reserve("EUR", 46, 2023, "Next", "next") == AIIndex("EUR", 46, 5, 2023)
    entry = registry.get(AIIndex("EUR", 46, 5, 2023))
    assert (entry.status, entry.title, entry.slug) == (RESERVED, "Next", "next")


def test_counter_wraps_from_9999_to_0000_skipping_what_is_taken(registry):
    registry.register(AIIndex.parse("IOR 53/0000/2024"), "Taken", "taken")
    assert registry.start_counter(9998)
    assert not registry.start_counter(5)  # the counter has started: it is not moved
    got = [registry.reserve("IOR", 53, 2024) for _ in range(3)]
    assert numbers(got) == ["9998", "9999", "0001"]
    assert registry.reserve("IOR", 53, 2025).serial == "0002"


def test_release_and_publish(registry):
    index = registry.reserve("IOR", 53, 2024, "Draft", "draft")
    assert registry.register(index, "Final title", "draft") == "published"
    assert registry.register(index, "Final title", "draft") == "unchanged"
    with pytest.raises(RegistryError, match="published .* cannot be released"):
        registry.release(index)
    with pytest.raises(RegistryError, match="already registered to 'draft'"):
        registry.register(index, "Someone else", "elsewhere")
    spare = registry.reserve("IOR", 53, 2024)
    registry.release(spare)
    with pytest.raises(RegistryError, match="not in the registry"):
        registry.release(spare)
    assert [(e.index, e.status) for e in registry.entries()] == [(index, PUBLISHED)]
    with pytest.raises(RegistryError, match="before the four-digit era"):
        registry.reserve("IOR", 53, 2011)


def test_concurrent_reservations_never_collide(location):
    workers, each = 8, 25
    # Spawned, not forked: this process has threads (Pango's, for one), and a fork can copy
    # a lock that one of them holds into a child that then waits for it forever.
    context = multiprocessing.get_context("spawn")
    start, results = context.Barrier(workers), context.Queue()
    processes = [context.Process(target=reserve_many, args=(location, w, each, start, results))
                 for w in range(workers)]
    for process in processes:
        process.start()
    handed_out = [text for _ in processes for text in results.get(timeout=120)]
    for process in processes:
        process.join(timeout=60)
        assert process.exitcode == 0
    assert not [text for text in handed_out if text.startswith("failed")]
    assert len(handed_out) == workers * each == 200
    indexes = [AIIndex.parse(text) for text in handed_out]
    # No number twice in a year, whatever the series: one organisation-wide counter.
    assert not [k for k, n in Counter((i.number, i.year) for i in indexes).items() if n > 1]
    with open_registry(location) as registry:
        assert sorted(e.index for e in registry.entries()) == sorted(indexes)
        # Nothing lost: the counter moved once per reservation.
        assert registry.reserve("IOR", 53, 2030).number == 200


def test_where_the_registry_is(tmp_path, monkeypatch):
    (tmp_path / "pyproject.toml").write_text('[tool.briefing]\nregistry = "numbers.db"\n')
    (tmp_path / "sub").mkdir()
    monkeypatch.delenv("BRIEFING_REGISTRY")
    assert locate(None, projects.find(tmp_path / "sub")) == str(tmp_path / "numbers.db")
    (tmp_path / "pyproject.toml").write_text('[tool.briefing]\nstyle = "amnesty"\n')
    assert locate(None, projects.find(tmp_path / "sub")) == str(tmp_path / "registry.sqlite3")
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')
    assert projects.find(tmp_path / "sub") is None or projects.find(tmp_path / "sub").root != tmp_path
    assert locate(None, None) is None  # outside a project: none, and nothing is made
    monkeypatch.setenv("BRIEFING_REGISTRY", "postgresql://team/db")
    assert locate(None, None) == "postgresql://team/db"
    assert locate("other.sqlite3", None) == "other.sqlite3"


def test_index_commands(location, tmp_path, capsys):
    write_doc(tmp_path / "source" / "one", MINIMAL)
    write_doc(tmp_path / "source" / "one", MINIMAL.replace("A minimal", "Une"), name="fr.md")
    write_doc(tmp_path / "source" / "two", MINIMAL.replace("IOR 53/8787/2024", "IOR 53/9000/2024"))
    common = ["--registry", location]
    assert main(["index", "import", str(tmp_path / "source"), *common]) == 0
    out = capsys.readouterr().out
    assert "IOR 53/8787/2024: added (one)" in out and "IOR 53/9000/2024: added (two)" in out
    assert "the counter starts after IOR 53/9000/2024" in out
    assert main(["index", "reserve", "--series", "ior", "--subject", "53", "--year", "2024",
                 "--title", "Next one", *common]) == 0
    assert capsys.readouterr().out == "IOR 53/9001/2024\n"
    assert main(["index", "list", *common]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert [line.split()[:2] for line in listed] == [
        ["IOR", "53/8787/2024"], ["IOR", "53/9000/2024"], ["IOR", "53/9001/2024"]]
    assert "A minimal briefing" in listed[0] and "reserved" in listed[2]
    assert main(["index", "release", "IOR5390012024", *common]) == 0
    assert main(["index", "release", "IOR 53/8787/2024", *common]) == 1
    assert "briefing: error: IOR 53/8787/2024 is published ('one')" in capsys.readouterr().err
    assert main(["index", "reserve", "--series", "XYZ", "--subject", "1", *common]) == 1
    assert "unknown AI index series 'XYZ'" in capsys.readouterr().err
    assert main(["index", "reserve", "--series", "AFR", "--subject", "99", *common]) == 0
    assert "subject AFR 99 is not among the known subjects" in capsys.readouterr().err
    three = write_doc(tmp_path / "source" / "three", MINIMAL)
    assert main(["index", "import", str(tmp_path / "source"), *common]) == 1
    assert (f"{three}:4:8: error: IOR 53/8787/2024 is already registered to 'one'"
            in capsys.readouterr().err)


def test_registry_from_the_environment(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("BRIEFING_REGISTRY", str(tmp_path / "env.sqlite3"))
    reserve = ["index", "reserve", "--series", "IOR", "--subject", "53", "--year", "2024"]
    assert main(["index", "import", str(tmp_path)]) == 0  # only import makes a registry
    assert Path(tmp_path / "env.sqlite3").is_file()
    assert main(reserve) == 0
    assert capsys.readouterr().out == "IOR 53/0000/2024\n"


@pytest.mark.parametrize("make", [lambda path: None, lambda path: path.write_bytes(b"")])
def test_a_missing_or_empty_registry_hands_out_nothing(tmp_path, capsys, make):
    """A mistyped path, or a zero-byte file, never starts a second registry at 0000."""
    path = tmp_path / "typo.sqlite3"
    make(path)
    assert main(["index", "reserve", "--series", "IOR", "--subject", "53",
                 "--registry", str(path)]) == 1
    assert f"no registry at {path} (run 'briefing index import' to make one)" in \
        capsys.readouterr().err
    assert not path.exists() or path.stat().st_size == 0


@pytest.mark.parametrize("url, shown", [
    ("postgresql://team:s3cret@db.example/briefing", "postgresql://team:***@db.example/briefing"),
    ("postgresql://db.example/briefing?user=team&password=s3cret&sslmode=require",
     "postgresql://db.example/briefing?user=team&password=***&sslmode=require"),
])
def test_a_password_is_never_shown(url, shown, capsys):
    from pipeline.house.registry import redacted

    assert redacted(url) == shown
    assert main(["index", "list", "--registry", url.replace("db.example", "127.0.0.1:9")]) == 1
    err = capsys.readouterr().err
    assert "s3cret" not in err and "***" in err


HOLD = """
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN IMMEDIATE")
db.execute("UPDATE ai_index_counter SET next_number = next_number")
print("held", flush=True)
time.sleep(60)
"""


def test_a_registry_held_by_another_writer(tmp_path, capsys, monkeypatch):
    """Reads never wait for a writer; a writer waits a bounded time, then gets a one-line
    error naming the process it waits for; a build goes on (here: nothing to wait for)."""
    from pipeline.house import registry as registries
    monkeypatch.setattr(registries, "BUSY_SECONDS", 1)
    path = tmp_path / "registry.sqlite3"
    source = write_doc(tmp_path / "source" / "one", MINIMAL)
    assert main(["index", "import", str(tmp_path / "source"), "--registry", str(path)]) == 0
    assert main(["index", "reserve", "--series", "IOR", "--subject", "53", "--year", "2024",
                 "--registry", str(path)]) == 0
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(path)], stdout=subprocess.PIPE,
                              text=True)
    try:
        assert holder.stdout.readline() == "held\n"
        capsys.readouterr()
        assert main(["index", "list", "--registry", str(path)]) == 0
        assert "IOR 53/8787/2024" in capsys.readouterr().out
        cited = write_doc(tmp_path / "cites", MINIMAL.replace("Text with", "See [@IOR5387872024]. Text with")
                          .replace("8787", "8788"))
        assert main(["build", str(cited), "--format", "html", "--out", str(tmp_path / "out"),
                     "--registry", str(path)]) == 0
        page = next((tmp_path / "out").rglob("*.html")).read_text(encoding="utf-8")
        assert "A minimal briefing" in page  # the registry's title of the cited document
        assert main(["index", "reserve", "--series", "IOR", "--subject", "53",
                     "--registry", str(path)]) == 1
        err = capsys.readouterr().err
        assert err.startswith(f"briefing: error: the registry {path} is locked by pid "
                              f"{holder.pid} ("), err
        assert "still after 1 s: try again when it has finished" in err
        assert "Traceback" not in err and len(err.splitlines()) == 1
    finally:
        holder.kill()
        holder.wait()
    assert main(["index", "reserve", "--series", "IOR", "--subject", "53", "--year", "2024",
                 "--registry", str(path)]) == 0
    assert capsys.readouterr().out == "IOR 53/8789/2024\n"


def test_a_damaged_registry_hands_out_nothing_and_lists_in_one_line(tmp_path, capsys):
    path = tmp_path / "registry.sqlite3"
    with open_registry(str(path)) as registry:
        for n in range(400):
            registry.register(AIIndex("IOR", 53, n, 2024), f"Document {n} " + "x" * 200, f"d{n}")
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page = db.execute("PRAGMA page_size").fetchone()[0]
        root = db.execute("SELECT rootpage FROM sqlite_master WHERE name = "
                          "'ai_index_documents'").fetchone()[0]
    data = bytearray(path.read_bytes())
    leaf = (root + 3 - 1) * page  # a page of the table's rows, past its root
    data[leaf + 8:leaf + 200] = b"\xff" * 192  # its cell pointers, garbage
    path.write_bytes(bytes(data))
    reserve = ["index", "reserve", "--series", "IOR", "--subject", "53", "--year", "2024",
               "--registry", str(path)]
    assert main(reserve) == 1  # quick_check finds the damage (or opening it does)
    err = capsys.readouterr().err
    assert re.fullmatch(rf"briefing: error: (the registry {re.escape(str(path))} is damaged \(.*"
                        r"\): no number is handed out; restore it from a backup|cannot read the "
                        rf"registry {re.escape(str(path))}: .*)\n", err), err
    assert main(["index", "list", "--registry", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"briefing: error: cannot read the registry {path}: "), err
    assert "Traceback" not in err and len(err.splitlines()) == 1
    cites = "".join(f"See [@{{IOR 53/{n:04}/2024}}]. " for n in range(0, 400, 7))
    source = write_doc(tmp_path / "cites", MINIMAL.replace("Text with", cites + "Text with"))
    assert main(["build", str(source), "--format", "html", "--out", str(tmp_path / "out"),
                 "--registry", str(path)]) == 0  # without the registry's titles
    err = capsys.readouterr().err
    assert f"briefing: warning: cannot read the registry {path}: " in err, err
    assert "built without the registry's titles" in err and "Traceback" not in err
