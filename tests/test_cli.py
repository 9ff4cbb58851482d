"""The command line: what `build` and `check` take and where outputs go."""
from __future__ import annotations

import argparse
import shutil

from conftest import SAMPLE, write_doc
from pipeline.commands import cli
from pipeline.commands.cli import main


def test_build_one_file_with_language_filter(tmp_path, capsys):
    folder = tmp_path / "source" / "brief"
    write_doc(folder)
    write_doc(folder, name="fr.md")
    out = tmp_path / "out"
    assert main(["build", str(tmp_path / "source"), "--lang", "fr", "--format", "pdf",
                 "--out", str(out)]) == 0
    assert sorted(p.name for p in (out / "brief").iterdir()) == ["IOR5387872024FRENCH.pdf"]
    assert main(["build", str(folder / "en.md"), "--format", "pdf", "--out", str(out)]) == 0
    assert sorted(p.name for p in (out / "brief").iterdir()) == [
        "IOR5387872024ENGLISH.pdf", "IOR5387872024FRENCH.pdf"]
    assert "wrote" in capsys.readouterr().out


def test_build_any_combination_of_formats(tmp_path):
    source = write_doc(tmp_path / "brief")
    out = tmp_path / "out"
    assert main(["build", str(source), "--format", "docx,html", "--out", str(out)]) == 0
    assert sorted(p.name for p in (out / "brief").iterdir()) == [
        "IOR5387872024ENGLISH.docx", "IOR5387872024ENGLISH.html"]
    assert main(["build", str(source), "--out", str(out)]) == 0  # default: every format
    assert sorted(p.suffix for p in (out / "brief").iterdir()) == [".docx", ".html", ".pdf"]


def test_nothing_to_build_is_an_error(tmp_path, capsys):
    shutil.copytree(SAMPLE, tmp_path / "doc")
    assert main(["build", str(tmp_path / "doc"), "--lang", "xx", "--out", str(tmp_path)]) == 1
    assert "no 'xx' source in" in capsys.readouterr().err.replace("; languages there: ar, en, fr", "")
    assert main(["build", str(tmp_path / "missing")]) == 1
    assert main(["build", str(tmp_path / "doc"), "--format", "odt"]) == 2


def test_one_bad_document_does_not_stop_the_others(tmp_path, capsys):
    write_doc(tmp_path / "source" / "good")
    write_doc(tmp_path / "source" / "bad", "---\ntitle: T\n---\nText\n")
    out = tmp_path / "out"
    assert main(["build", str(tmp_path / "source"), "--out", str(out)]) == 1
    assert (out / "good" / "IOR5387872024ENGLISH.pdf").is_file()
    assert not (out / "bad").exists()
    assert "missing required front-matter field 'date'" in capsys.readouterr().err


def test_a_command_line_declares_only_its_command_with_the_same_options():
    def commands(parser) -> dict:
        (action,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        return action.choices

    every = commands(cli._parser(["--help"]))
    assert sorted(every) == sorted(cli.COMMANDS)  # a new command is listed there too
    for name in cli.COMMANDS:
        alone = commands(cli._parser([name, "--force"]))
        assert set(alone) == ({"index", "new"} if name in ("index", "new") else {name})
        assert alone[name].format_help() == every[name].format_help()
