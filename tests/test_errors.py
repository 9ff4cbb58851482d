"""Bad input: `file:line:col: error: …` at the offending line, exit status 1, no traceback,
and the earlier good output left as it was."""
from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import BIB, MINIMAL, write_doc
from pipeline.commands.cli import main


# (what is wrong, source text, bibliography or None, expected line, words in the message)
CASES = [
    ("undefined footnote", MINIMAL.replace("More text.", "More text.[^missing]"), None, 10,
     "[^missing]' is called but never defined"),
    ("uncalled definition", MINIMAL + "\n[^spare]: Never used.\n", None, 14,
     "[^spare]' is defined but never called"),
    ("unknown citation key", MINIMAL.replace("More text.", "More text [@nokey]."), BIB, 10,
     "unknown citation key '@nokey'"),
    ("malformed YAML", MINIMAL.replace("title: A minimal briefing", "title: [unclosed"), None, 3,
     "malformed YAML"),
    ("missing title", MINIMAL.replace("title: A minimal briefing\n", ""), None, 1,
     "missing required front-matter field 'title'"),
    ("malformed title", MINIMAL.replace("title: A minimal briefing", "title: [a, b]"), None, 2,
     "'title' must be text"),
    ("missing date", MINIMAL.replace("date: 2024-11-27\n", ""), None, 1,
     "missing required front-matter field 'date'"),
    ("malformed date", MINIMAL.replace("2024-11-27", "27/11/2024"), None, 3, "'date' must be a date"),
    ("missing index", MINIMAL.replace("index: IOR 53/8787/2024\n", ""), None, 1,
     "missing required front-matter field 'index'"),
    ("index does not parse", MINIMAL.replace("IOR 53/8787/2024", "IOR-fifty-three"), None, 4,
     "not an AI index number"),
    ("unknown key", MINIMAL.replace("date:", "shrot_title: x\ndate:"), None, 3,
     "unknown front-matter key 'shrot_title'; did you mean 'short_title'?"),
    ("missing bibliography", MINIMAL.replace("date:", "bibliography: refs.bib\ndate:"), None, 3,
     "bibliography file 'refs.bib' not found"),
    ("index not in its printed form", MINIMAL.replace("IOR 53/8787/2024", "IOR53/8787/24"), None,
     4, "the index is written 'IOR53/8787/24' but prints as 'IOR 53/8787/2024'"),
    ("citation without its comma", MINIMAL.replace("More text.", "More [see @known para. 13]."),
     BIB, 10, "citation '[see @known para. 13]' has a locator without its comma: write "
     "'[see @known, para. 13]'"),
    ("box left open", MINIMAL.replace("## A section", "::: box\nBoxed.\n\n## A section"), None,
     8, "this '::: box' is never closed"),
]


@pytest.fixture(scope="module")
def good_build(tmp_path_factory):
    """A document built once: each case breaks its source and must leave this PDF intact."""
    root = tmp_path_factory.mktemp("errors")
    source = write_doc(root / "doc")
    out = root / "out"
    assert main(["build", str(source), "--out", str(out)]) == 0
    (pdf,) = (out / "doc").glob("*.pdf")
    return source, out, pdf, pdf.read_bytes()


@pytest.mark.parametrize("name, text, bib, line, words", CASES, ids=[c[0] for c in CASES])
def test_error_points_at_the_source_line(name, text, bib, line, words, good_build, capsys):
    source, out, pdf, good = good_build
    write_doc(source.parent, text, bib=bib)
    try:
        assert main(["build", str(source), "--out", str(out)]) == 1
        err = capsys.readouterr().err
        assert err.startswith(f"{source}:{line}:"), err
        assert ": error: " in err and words in err, err
        assert "Traceback" not in err
        assert pdf.read_bytes() == good
        assert main(["check", str(source)]) == 1
    finally:
        write_doc(source.parent)
        (source.parent / "references.bib").unlink(missing_ok=True)


@pytest.mark.e2e
def test_command_line_exit_status_and_no_traceback(tmp_path):
    source = write_doc(tmp_path / "doc", MINIMAL.replace("More text.", "More[^nope] text."))
    result = subprocess.run([sys.executable, "-m", "pipeline", "check", str(source)],
                            capture_output=True, text=True)
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"{source}:10:5: error: footnote '[^nope]' is called but never defined")


def test_unused_bibliography_entry_warns_but_builds(tmp_path, capsys):
    bib = BIB + "\n@misc{spare, title = {Spare}, year = {2020}}\n"
    source = write_doc(tmp_path / "doc", MINIMAL.replace("More text.", "More text [@known]."), bib=bib)
    assert main(["check", str(source)]) == 0
    err = capsys.readouterr().err
    assert f"{source.parent / 'references.bib'}:8:" in err
    assert "warning: bibliography entry 'spare' is never cited" in err


def test_a_draft_index_in_another_form_is_a_warning(tmp_path, capsys):
    source = write_doc(tmp_path / "doc", MINIMAL.replace(
        "index: IOR 53/8787/2024", "index: IOR53/8787/24\nstatus: draft"))
    assert main(["check", str(source)]) == 0
    assert (f"{source}:4:8: warning: the index is written 'IOR53/8787/24' but prints as "
            "'IOR 53/8787/2024'") in capsys.readouterr().err


def test_check_passes_on_the_sample(capsys):
    assert main(["check"]) == 0
