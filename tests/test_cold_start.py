"""Fast from a cold start: one document is loaded once for all its formats, in this process;
a build imports only the writers of the formats asked for; what is computed once per house
style is cached on disk, and no cache changes a byte of any output."""
from __future__ import annotations

import ast
import hashlib
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, SAMPLE, write_doc
from pipeline import model as m, store
from pipeline.commands.cli import main
from pipeline.jobs import build
from pipeline.writers import html


def digests(out: Path) -> dict[str, str]:
    return {path.relative_to(out).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(out.glob("*/*.*"))}


def test_a_document_is_loaded_once_for_all_its_formats(tmp_path, monkeypatch):
    source = write_doc(tmp_path / "doc")
    loads = []

    def counted(*args, **kwargs):
        loads.append(args[0])
        return load(*args, **kwargs)

    load = build.load
    monkeypatch.setattr(build, "load", counted)
    assert main(["build", str(source), "--out", str(tmp_path / "out")]) == 0
    assert loads == [source]  # in this process, once
    assert sorted(path.suffix for path in (tmp_path / "out" / "doc").iterdir()) == [
        ".docx", ".html", ".pdf"]


def test_font_cuts_are_kept_and_a_damaged_entry_is_made_again(tmp_path, sample_doc, house_style,
                                                              monkeypatch):
    cache = tmp_path / "cache"
    html.page(sample_doc, house_style)  # its templates compiled: only the fonts cached below
    with store.kept_in(cache):
        first = html.page(sample_doc, house_style)
        kept = {entry: entry.read_bytes() for entry in cache.iterdir()}
        cut = html._cut
        monkeypatch.setattr(html, "_cut", None)  # every cut from the cache now
        assert html.page(sample_doc, house_style) == first
        monkeypatch.setattr(html, "_cut", cut)
        for n, entry in enumerate(sorted(kept)):  # damaged: a miss, made again
            entry.write_bytes(kept[entry][:-1] + b"?" if n % 2 else b"")
        assert html.page(sample_doc, house_style) == first
    assert {entry: entry.read_bytes() for entry in cache.iterdir()} == kept
    assert html.page(sample_doc, house_style) == first  # and with no cache at all


def test_an_entry_is_found_by_its_key_only(tmp_path):
    with store.kept_in(tmp_path):
        assert store.cached("a", lambda: b"one") == b"one"
        assert store.cached("a", lambda: b"two") == b"one"
        assert store.cached("b", lambda: b"two") == b"two"


def briefing(*args: str, cwd: Path = ROOT) -> None:
    subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=cwd, check=True,
                   capture_output=True)


@pytest.mark.e2e
def test_no_cache_changes_a_byte_of_any_output(tmp_path, monkeypatch):
    """Every sample output built with every cache empty (new processes, in a project of
    their own), with the caches warm, and with every cache entry damaged, the project's
    compiled patterns too: the same bytes."""
    project, out = tmp_path / "project", tmp_path / "out"
    sample = project / "source" / SAMPLE.name
    shutil.copytree(SAMPLE, sample)
    (project / "pyproject.toml").write_text('[tool.briefing]\nstyle = "amnesty"\n')
    briefing("build", str(sample), "--out", str(out), cwd=project)
    cold = digests(out)
    cache = out / store.FOLDER
    entries = sorted(cache.iterdir())
    patterns, = (project / "output" / store.FOLDER).iterdir()  # kept by the command
    assert len(cold) == 9 and entries
    briefing("build", str(sample), "--out", str(out), "--force", cwd=project)
    assert digests(out) == cold and sorted(cache.iterdir()) == entries
    monkeypatch.chdir(project)
    for source in sorted(sample.glob("*.md")):  # each in this process, its caches warm
        assert main(["build", str(source), "--out", str(out), "--force", "-q"]) == 0
    assert digests(out) == cold
    for entry in [*entries, patterns]:
        entry.write_bytes(entry.read_bytes()[::-1])
    briefing("build", str(sample), "--out", str(out), "--force", cwd=project)
    assert digests(out) == cold


@pytest.mark.e2e
def test_a_build_imports_only_the_writers_it_needs(tmp_path):
    """Nor, once its caches are warm, Babel (its locale facts are kept), lxml for a page
    with no SVG image, or fontTools' font reader."""
    source = write_doc(tmp_path / "doc")
    for fmt, unwanted, once_warm in (
            ("docx", {"weasyprint", "fontTools.subset"}, {"babel", "fontTools.ttLib"}),
            ("html", {"weasyprint", "docx"}, {"babel", "lxml", "fontTools.ttLib"})):
        code = (f"import sys; from pipeline.commands.cli import main; "
                f"assert main(['build', {str(source)!r}, '--format', {fmt!r}, '--out', "
                f"{str(tmp_path / fmt)!r}, '--force']) == 0; "
                f"print(sorted(set({sorted(unwanted | once_warm)!r}) & set(sys.modules)))")
        for caches, allowed in (("cold", once_warm), ("warm", set())):
            shown = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                                   text=True, check=True)
            assert set(ast.literal_eval(shown.stdout.splitlines()[-1])) <= allowed, caches


def test_locale_facts_are_kept_and_found_without_babel(tmp_path, monkeypatch):
    from datetime import date

    from pipeline.house import locale

    labels = {"date_format": "d MMMM y"}
    asked = [("direction", "ar"), ("direction", "fr-CA"), ("english_name", "fr-CA"),
             ("english_name", "pt-BR")]
    made = [getattr(locale, name)(lang) for name, lang in asked]
    dates = [locale.long_date(date(2024, 11, 27), lang, labels) for lang in ("fr", "ar")]
    assert made == ["rtl", "ltr", "French", "Portuguese"]
    assert dates == ["27 novembre 2024", "27 نوفمبر 2024"]
    with store.kept_in(tmp_path):
        assert [getattr(locale, name)(lang) for name, lang in asked] == made
        [locale.long_date(date(2024, 11, 27), lang, labels) for lang in ("fr", "ar")]
        monkeypatch.setattr(locale, "locale", None)  # from the cache now, or a TypeError
        assert [getattr(locale, name)(lang) for name, lang in asked] == made
        assert [locale.long_date(date(2024, 11, 27), lang, labels)
                for lang in ("fr", "ar")] == dates
        with pytest.raises(TypeError):  # another day is another question
            locale.long_date(date(2024, 11, 28), "fr", labels)


def test_kept_hyphenation_patterns_hyphenate_as_pyphen_does(tmp_path, monkeypatch):
    import pyphen
    from pipeline.writers import pdf_hyphenation

    words = (SAMPLE / "en.md").read_text(encoding="utf-8").split() + (
        SAMPLE / "fr.md").read_text(encoding="utf-8").split()
    monkeypatch.setattr(pyphen, "hdcache", {})
    with store.kept_in(tmp_path):
        for lang in ("en", "fr"):
            pdf_hyphenation.preload(lang)
        pyphen.hdcache.clear()
        monkeypatch.setattr(pyphen.HyphDict, "__init__", None)  # no parsing now
        for lang in ("en", "fr"):
            pdf_hyphenation.preload(lang)
    monkeypatch.undo()
    for lang in ("en", "fr"):
        kept, parsed = pyphen.Pyphen(lang=lang), pyphen.Pyphen(lang=lang, cache=False)
        assert kept.hd is not parsed.hd
        assert [kept.inserted(word) for word in words] == [parsed.inserted(word) for word in words]


def test_templates_are_compiled_once_for_all_builds(tmp_path, sample_doc, monkeypatch):
    import jinja2
    from pipeline.house.style import HouseStyle

    with store.kept_in(tmp_path):
        first = html.print_document(sample_doc, HouseStyle(SAMPLE.parent.parent / "styles" / "amnesty"))
        monkeypatch.setattr(jinja2.Environment, "compile", None)  # a new process: no compiler
        again = html.print_document(sample_doc, HouseStyle(SAMPLE.parent.parent / "styles" / "amnesty"))
    assert again == first


@pytest.mark.e2e
def test_weasyprint_is_imported_without_running_a_compiler():
    """Only ldconfig is asked where Pango & co are (not gcc and ld for every name tried),
    and the same libraries are loaded."""
    code = """if True:
        import subprocess
        run = []
        popen = subprocess.Popen.__init__
        def counted(self, args, *rest, **options):
            run.append(args[0])
            popen(self, args, *rest, **options)
        subprocess.Popen.__init__ = counted
        import pipeline.writers.pdf
        libraries = sorted({line.split()[-1].rsplit("/", 1)[-1] for line in open("/proc/self/maps")
                            if any(name in line for name in ("pango", "harfbuzz", "fontconfig"))})
        print(repr((sorted(set(run)), libraries)))
    """
    shown = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                           text=True, check=True).stdout
    plain = subprocess.run([sys.executable, "-c", code.replace("pipeline.writers.pdf", "weasyprint")],
                           cwd=ROOT, capture_output=True, text=True, check=True).stdout
    (ours, libraries), (theirs, same) = (ast.literal_eval(line) for line in (shown, plain))
    assert ours == ["/sbin/ldconfig"] and "gcc" in " ".join(theirs)
    assert libraries == same and any("pango" in name for name in libraries)


def test_a_bibliography_and_its_citations_are_kept_as_citeproc_formats_them(tmp_path,
                                                                            house_style,
                                                                            monkeypatch):
    from pipeline.transforms import citations

    made = [build.load(SAMPLE / f"{lang}.md", house_style) for lang in ("en", "fr", "ar")]
    with store.kept_in(tmp_path):
        assert [build.load(SAMPLE / f"{lang}.md", house_style)
                for lang in ("en", "fr", "ar")] == made
        monkeypatch.setattr(citations, "_entries", None)  # from the cache now, or a TypeError
        monkeypatch.setattr(citations, "_cited", None)
        assert [build.load(SAMPLE / f"{lang}.md", house_style)
                for lang in ("en", "fr", "ar")] == made
    assert any(isinstance(node, m.Link) for note in made[0].notes  # formatted, not empty
               for node in note.blocks[0].children)


def test_cffi_parses_the_types_weasyprint_asks_for_as_it_did():
    """Each C type string in WeasyPrint's code, parsed with only its own type names declared,
    is the type cffi's own parser gives."""
    import re

    import weasyprint
    from weasyprint.text.ffi import ffi
    from pipeline.writers import pdf  # noqa: F401  (applies pdf_libraries.parse_types_quickly)

    quick = ffi._parser.parse_type_and_quals
    assert hasattr(quick, "__wrapped__")  # applied over the cffi it was written for
    code = "".join(path.read_text(encoding="utf-8")
                   for path in Path(weasyprint.__file__).parent.rglob("*.py"))
    types = set(re.findall(r"ffi\.new\(\s*'([^']+)'", code))
    assert len(types) >= 8
    for cdecl in types:
        assert quick(cdecl) == quick.__wrapped__(ffi._parser, cdecl)


def test_a_fonts_characters_are_kept_for_the_word_writer(tmp_path, house_style, monkeypatch):
    from fontTools.ttLib import TTFont

    from pipeline.writers import docx

    fonts = sorted((house_style.root / "fonts").glob("*.ttf"))[:2]
    with store.kept_in(tmp_path):
        made = [docx._characters.__wrapped__(path) for path in fonts]
        monkeypatch.setattr(docx, "_code_points", None)  # from the cache now
        assert [docx._characters.__wrapped__(path) for path in fonts] == made
    assert made[0] == frozenset(map(chr, TTFont(fonts[0]).getBestCmap())) and len(made[0]) > 200


def test_a_page_is_rendered_once_and_its_fonts_cut_to_its_characters(tmp_path, sample_doc,
                                                                    monkeypatch):
    """The fonts go where the template prints `token_css`; a template that prints it other
    than once as it is is rendered as before, with the same fonts (cut to the same
    characters)."""
    import re
    import shutil

    from pipeline.house.style import HouseStyle

    folder = shutil.copytree(ROOT / "styles" / "amnesty", tmp_path / "house")
    renders, render = [], html.jinja2.Template.render
    monkeypatch.setattr(html.jinja2.Template, "render",
                        lambda self, *a, **k: renders.append(self.name) or render(self, *a, **k))
    template = folder / "templates" / "page.html.j2"
    shipped = template.read_text(encoding="utf-8")

    def page(printed: str) -> str:
        renders.clear()
        template.write_text(shipped.replace("{{ token_css|safe }}", printed), encoding="utf-8")
        return html.page(sample_doc, HouseStyle(folder))

    once = page("{{ token_css|safe }}")
    assert renders.count("page.html.j2") == 1
    twice = page("{{ token_css|safe }}{{ token_css|safe }}")
    escaped = page("{{ token_css }}")
    assert renders.count("page.html.j2") == 3
    fonts = re.findall(r"data:font/ttf;base64,[^)'\"&]+", once)
    assert fonts and re.findall(r"data:font/ttf;base64,[^)'\"&]+", twice) == fonts * 2
    assert re.findall(r"data:font/ttf;base64,[^)'\"&]+", escaped) == fonts
    assert "font-family: &#34;" in escaped and "font-family: &#34;" not in once
    assert "\0" not in once + twice + escaped


def test_word_template_is_built_once_per_house_style_and_language(tmp_path, house_style,
                                                                 monkeypatch):
    from pipeline.writers import docx

    english, arabic = (build.load(SAMPLE / f"{lang}.md", house_style) for lang in ("en", "ar"))
    made = docx.render(english, house_style)
    with store.kept_in(tmp_path):
        assert docx.render(english, house_style) == made
        monkeypatch.setattr(docx._Writer, "_build_styles", None)  # from the cache now
        assert docx.render(english, house_style) == made
        with pytest.raises(TypeError):  # right-to-left styles are others
            docx.render(arabic, house_style)


def test_nodes_compare_and_show_by_their_fields_as_dataclasses_do(house_style):
    first, again = (build.load(SAMPLE / "fr.md", house_style) for _ in range(2))
    assert first == again and first is not again
    again.notes[-1].blocks[0].children.append(m.Text("!"))
    assert first != again
    same = [m.Text("x")]
    assert m.Emph(same) != m.Strong(same) and m.Emph(same) == m.Emph([m.Text("x")])
    image = m.Image("map.png", "A map", m.Location(Path("en.md"), 3), b"\x89PNG")
    assert repr(image) == ("Image(url='map.png', alt='A map', location=Location(path="
                           "PosixPath('en.md'), line=3, column=1))")  # not its bytes
    assert repr(m.Link("https://x.org", same)) == \
        "Link(url='https://x.org', children=[Text(text='x')], title='')"
    with pytest.raises(TypeError):
        hash(m.Text("x"))  # mutable, as dataclasses with eq are: no hash


@pytest.fixture
def kept_patterns(monkeypatch):
    """`regex_cache` as a new process finds it; `re` put back as it was afterwards."""
    from pipeline import regex_cache

    monkeypatch.setattr(re._compiler, "compile", re._compiler.compile)

    def fresh():
        for name, value in (("_table", {}), ("_used", set()), ("_added", False),
                            ("_folder", None)):
            monkeypatch.setattr(regex_cache, name, value)
        re.purge()
        return regex_cache

    yield fresh
    re.purge()


PATTERNS = [  # (pattern, flags): groups named and not, inline and given flags, bytes, Unicode
    (r"(?P<series>[a-z]{3})\s*(?P<subject>\d{2})/(\d{2,4})", 0),
    (r"(?ix) ^ (?P<year> \d{4} ) $", 0),
    ("[^\x09\x0A\x0D\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFFFD\U00010000-\U0010ffff]", 0),
    (r"(?<=\w)'(?=\w)|«\s*", re.IGNORECASE | re.MULTILINE),
    (rb"<!DOCTYPE|<\x00!\x00D", 0),
    (r"[\u0590-\u08ff]+|[A-Za-z0-9\u00c0-\u024f]+", re.ASCII),
]


def test_patterns_come_from_the_projects_table_as_re_compiles_them(tmp_path, kept_patterns,
                                                                   monkeypatch):
    regex_cache = kept_patterns()
    regex_cache.keep(tmp_path)
    first = [re.compile(pattern, flags) for pattern, flags in PATTERNS]
    regex_cache.save()
    assert len(list(tmp_path.iterdir())) == 1  # one store entry: the table

    regex_cache = kept_patterns()  # the next process: every pattern from the table
    regex_cache.keep(tmp_path)
    parse = re._compiler._parser.parse
    monkeypatch.setattr(re._compiler._parser, "parse", None)
    again = [re.compile(pattern, flags) for pattern, flags in PATTERNS]
    monkeypatch.setattr(re._compiler._parser, "parse", parse)
    assert again == first
    for (pattern, flags), compiled in zip(PATTERNS, again):
        plain = regex_cache._ORIGINAL(pattern, int(flags))
        assert compiled == plain and compiled.groupindex == plain.groupindex  # the same code
    assert again[0].match("ior 53/8787").group("subject", 3) == ("53", "8787")
    assert again[2].search("a\x00b") and again[4].search(b"x<!DOCTYPE")


def test_the_table_stays_small_and_a_damaged_one_is_a_miss(tmp_path, kept_patterns, monkeypatch):
    regex_cache = kept_patterns()
    regex_cache.keep(tmp_path)
    for n in range(5):
        re.compile(f"old{n}")
    regex_cache.save()
    regex_cache = kept_patterns()
    monkeypatch.setattr(regex_cache, "LIMIT", 6)
    regex_cache.keep(tmp_path)
    for n in range(4):
        re.compile(f"new{n}")  # 9 in all: only these 4, this process's, are kept
    regex_cache.save()
    regex_cache = kept_patterns()
    regex_cache.keep(tmp_path)
    kept = sorted(pattern for _, pattern, _ in regex_cache._table)
    assert kept == [f"new{n}" for n in range(4)]
    entry, = tmp_path.iterdir()
    entry.write_bytes(entry.read_bytes()[:-1])  # damaged: a miss
    regex_cache = kept_patterns()
    regex_cache.keep(tmp_path)
    assert regex_cache._table == {} and re.compile("new0").match("new0")
    regex_cache.save()
    regex_cache = kept_patterns()  # whole, but no code for its pattern: compiled anew
    regex_cache.keep(tmp_path)
    regex_cache._table[False, "new0", 0] = (0, [1, 2, 3], 0, {}, ())
    assert re.compile("new0").match("new0")
