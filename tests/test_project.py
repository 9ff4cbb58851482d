"""Documents projects and the command line a user expects: the project found from any
subfolder, nothing made outside one, `init`, `--version`, help, did-you-mean, choices listed
in errors, `-q`/`-v`."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conftest import MINIMAL, ROOT, write_doc
from pipeline import __version__, project as projects
from pipeline.commands.cli import main


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    """An empty project (`briefing.toml` with the defaults) with one English document,
    as the working folder."""
    (tmp_path / "briefing.toml").write_text("")
    write_doc(tmp_path / "source" / "doc", MINIMAL)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def tree(folder: Path) -> list[str]:
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*"))


def test_the_project_is_found_from_any_subfolder(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.briefing]\noutput = "built"\n')
    (tmp_path / "a" / "b").mkdir(parents=True)
    found = projects.find(tmp_path / "a" / "b")
    assert (found.root, found.output, found.style) == (tmp_path, tmp_path / "built", "amnesty")
    (tmp_path / "a" / "briefing.toml").write_text('style = "plain"\n')  # the nearer one wins
    assert projects.find(tmp_path / "a" / "b").root == tmp_path / "a"
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "other"\n')  # no table: no project
    assert projects.find(tmp_path) is None


def test_an_unknown_setting_is_an_error_with_a_suggestion(tmp_path):
    (tmp_path / "briefing.toml").write_text('styel = "plain"\n')
    with pytest.raises(projects.ProjectError, match="unknown setting 'styel'; did you mean 'style'"):
        projects.find(tmp_path)


def test_a_project_file_that_is_not_utf8_is_an_error_naming_it(tmp_path, monkeypatch, capsys):
    config = tmp_path / "pyproject.toml"
    config.write_bytes(b'[tool.briefing]\nstyle = "amnesty"\n# caf\xe9\n')
    with pytest.raises(projects.ProjectError, match=re.escape(f"{config}: error: 'utf-8' codec")):
        projects.find(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert main(["check"]) == 1
    assert f"briefing: error: {config}: error:" in capsys.readouterr().err


@pytest.mark.parametrize("command", [["index", "list"], ["build"], ["check"],
                                     ["new", "x", "--series", "IOR", "--subject", "53"]])
def test_outside_a_project_commands_say_so_and_make_nothing(command, tmp_path, monkeypatch,
                                                            capsys):
    monkeypatch.delenv("BRIEFING_REGISTRY")
    monkeypatch.chdir(tmp_path)
    assert main(command) == 1
    assert "not inside a briefing project" in capsys.readouterr().err
    assert tree(tmp_path) == []


def test_build_from_inside_a_document_folder_writes_the_project_output(project, monkeypatch,
                                                                       capsys):
    monkeypatch.chdir(project / "source" / "doc")
    assert main(["build", "en.md", "--format", "html"]) == 0
    assert tree(project / "source") == ["doc", "doc/en.md"]
    assert (project / "output" / "doc" / "IOR5387872024ENGLISH.html").is_file()
    assert main(["check", "."]) == 0
    assert "not ''" not in capsys.readouterr().err


def test_version_and_help(capsys):
    with pytest.raises(SystemExit) as exit:
        main(["--version"])
    assert exit.value.code == 0 and capsys.readouterr().out == f"briefing {__version__}\n"
    assert main([]) == 0
    shown = capsys.readouterr().out
    assert shown.startswith("usage: briefing") and "init" in shown and "translate" in shown


@pytest.mark.parametrize("argv, suggestion", [
    (["biuld"], "did you mean 'build'?"),
    (["build", "--froce"], "did you mean '--force'?"),
    (["index", "reserv"], "did you mean 'reserve'?"),
])
def test_a_mistyped_command_or_option_gets_a_suggestion(argv, suggestion, capsys):
    with pytest.raises(SystemExit) as exit:
        main(argv)
    assert exit.value.code == 2 and suggestion in capsys.readouterr().err


def test_errors_list_the_valid_choices(project, capsys):
    assert main(["build", "--format", "pfd"]) == 2
    assert "unknown format pfd (formats: pdf, docx, html, print)" in capsys.readouterr().err
    assert main(["build", "--lang", "fr"]) == 1
    assert "no 'fr' source in source; languages there: en" in capsys.readouterr().err


def test_quiet_and_verbose(project, capsys):
    assert main(["build", "--format", "html", "-q"]) == 0
    out = capsys.readouterr().out
    assert "wrote" not in out and out.startswith("built 1, skipped 0, failed 0")
    assert main(["build", "--format", "html", "-v"]) == 0
    assert "up to date: output/doc/IOR5387872024ENGLISH.html" in capsys.readouterr().out


@pytest.mark.parametrize("style", ["amnesty", "plain"])
def test_init_makes_a_project_that_builds(style, tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("BRIEFING_REGISTRY")
    monkeypatch.chdir(tmp_path)
    assert main(["init", "reports", "--style", style]) == 0
    folder = tmp_path / "reports"
    assert tree(folder) == [".gitignore", "briefing.toml", "source", "source/sample",
                            "source/sample/en.md"]
    assert projects.find(folder).style == style
    monkeypatch.chdir(folder)
    assert main(["build", "--format", "html"]) == 0
    (page,) = (folder / "output" / "sample").glob("*.html")
    assert "Sample briefing" in page.read_text(encoding="utf-8")
    assert main(["init"]) == 1  # a project already
    assert "already makes" in capsys.readouterr().err


def test_this_repository_is_a_project():
    found = projects.find(ROOT / "source")
    assert (found.root, found.source, found.style) == (ROOT, ROOT / "source", "amnesty")


def test_a_project_style_folder_overrides(project, capsys):
    own = project / "styles" / "ours"
    shutil.copytree(ROOT / "styles" / "plain", own)
    (own / "house.yaml").write_text((own / "house.yaml").read_text().replace(
        "organisation:", "organisation: Our Own Office #", 1))
    (project / "briefing.toml").write_text('style = "styles/ours"\n')
    assert main(["build", "--format", "html"]) == 0
    (page,) = (project / "output" / "doc").glob("*.html")
    assert "Our Own Office" in page.read_text(encoding="utf-8")
    assert page.name == "doc-en.html"  # the plain style's file names


def test_new_in_a_style_without_a_registry(project, capsys):
    (project / "briefing.toml").write_text('style = "plain"\n')
    assert main(["new", "water-brief", "--title", "Water for all"]) == 0
    source = project / "source" / "water-brief" / "en.md"
    assert "index:" not in source.read_text(encoding="utf-8")
    assert main(["build", str(source.parent), "--format", "html"]) == 0
    assert (project / "output" / "water-brief" / "water-brief-en.html").is_file()


def test_a_readme_beside_the_sources_is_no_language(project, capsys):
    (project / "source" / "doc" / "README.md").write_text("Notes for the editors.\n")
    assert main(["check"]) == 0
    assert main(["build", "--format", "html"]) == 0
    assert sorted(path.name for path in (project / "output" / "doc").iterdir()) == [
        "IOR5387872024ENGLISH.html"]


def test_new_takes_a_language_code_not_a_path(project, capsys):
    (project / "briefing.toml").write_text('style = "plain"\n')
    assert main(["new", "brief", "--lang", "../../escaped"]) == 1
    assert "--lang takes a language code" in capsys.readouterr().err
    assert not (project / "source" / "brief").exists() and not (project / "escaped.md").exists()
