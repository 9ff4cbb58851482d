"""The document library (`briefing site`): built for the sample and generated documents
(several series, years and languages), then read as files and crawled in headless Chromium."""
from __future__ import annotations

import functools
import http.server
import re
import shutil
import threading
from collections import deque
from pathlib import Path

import feedparser
import pytest
from lxml import etree, html

import validators
from conftest import SAMPLE
from pipeline.commands.cli import main
from pipeline.house import style as houses
from pipeline.site import publish

BASE = "https://library.example.org/"
SAMPLE_PAGE = "en/documents/ior53/0412/2025/en/"

# (folder, language, original, status, title, date, index, body): several series, years and
# languages; one word in one English document only, one in one Arabic document only.
DOCUMENTS = [
    ("afr-elections", "en", "", "final", "Elections under pressure", "2023-03-14",
     "AFR 44/7001/2023", "Observers were turned away from polling stations."),
    ("afr-elections", "fr", "en", "final", "Des élections sous pression", "", "",
     "Des observateurs ont été refoulés des bureaux de vote."),
    ("amr-policing", "en", "", "final", "Policing protests", "2024-06-02", "AMR 51/7002/2024",
     "Police used force against peaceful protesters."),
    ("amr-policing", "es", "en", "final", "La policía y las protestas", "", "",
     "La policía usó la fuerza contra manifestantes pacíficos."),
    ("eur-detention", "en", "", "final", "Detention without trial", "2024-09-20",
     "EUR 46/7003/2024", "Detainees were held without charge for months."),
    ("eur-detention", "ar", "en", "final", "الاحتجاز دون محاكمة", "", "",
     "احتُجز المعتقلون في السنديانة دون تهمة لعدة أشهر."),
    ("mde-water", "ar", "", "final", "الحق في المياه", "2025-01-09", "MDE 15/7004/2025",
     "حُرم السكان من المياه النظيفة لأسابيع."),
    ("act-arms", "en", "", "final", "Arms transfers", "2023-11-30", "ACT 30/7005/2023",
     "The quillwort shipments continued despite the embargo."),
    ("act-arms", "fr", "en", "final", "Transferts d’armes", "", "",
     "Les livraisons ont continué malgré l’embargo."),
    ("pol-report", "en", "", "draft", "Annual report draft", "2025-02-01", "POL 10/7006/2025",
     "Not ready to publish."),
]


def _write(root: Path, folder, lang, original, status, title, date, index, body) -> None:
    lines = [f"title: {title}"] + ([f"original: {original}"] if original else [
        f"date: {date}", f"index: {index}"]) + ([f"status: {status}"] if status != "final" else [])
    path = root / "source" / folder / f"{lang}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("---\n" + "\n".join(lines) + f"\n---\n{body}\n\n## Section\n\n{body}\n",
                    encoding="utf-8")


def _project(root: Path, per_page: int | None = None, documents=DOCUMENTS, sample=True) -> Path:
    """A documents project with the sample and `documents`, in a copy of the Amnesty style
    showing `per_page` documents a list page."""
    style = root / "style"
    shutil.copytree(houses.locate("amnesty"), style)
    if per_page:
        house = style / "house.yaml"
        house.write_text(house.read_text(encoding="utf-8").replace(
            "per_page: 20", f"per_page: {per_page}"), encoding="utf-8")
    (root / "briefing.toml").write_text('style = "style"\n', encoding="utf-8")
    if sample:
        shutil.copytree(SAMPLE, root / "source" / SAMPLE.name)
    for document in documents:
        _write(root, *document)
    return root


def _site(root: Path, *args: str) -> int:
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        return main(["site", "-q", "--format", "html,docx", "--base-url", BASE, *args])


@pytest.fixture(scope="module")
def library(tmp_path_factory) -> Path:
    root = _project(tmp_path_factory.mktemp("library"), per_page=2)
    assert _site(root) == 0
    return root / "site"


@pytest.fixture(scope="module")
def served(library):
    handler = functools.partial(_QuietHandler, directory=str(library))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def _document_pages(library: Path) -> set[str]:
    """The site paths of every document page (those Pagefind indexes)."""
    return {page.parent.relative_to(library).as_posix() + "/"
            for page in library.rglob("index.html")
            if "data-pagefind-body" in page.read_text(encoding="utf-8")}


# Files --------------------------------------------------------------------------------

def test_pages_at_the_house_address(library):
    assert (library / SAMPLE_PAGE / "index.html").is_file()
    for path in ("fr/documents/afr44/7001/2023/fr/", "es/documents/amr51/7002/2024/es/",
                 "ar/documents/eur46/7003/2024/ar/", "ar/documents/mde15/7004/2025/ar/"):
        assert (library / path / "index.html").is_file(), path
    assert len(_document_pages(library)) == 12  # 3 sample + 9 generated; the draft is not


def test_drafts_are_published_only_when_asked(library, tmp_path):
    assert "Annual report draft" not in "".join(
        page.read_text(encoding="utf-8") for page in library.rglob("*.html"))
    root = _project(tmp_path, documents=[d for d in DOCUMENTS if d[0] == "pol-report"],
                    sample=False)
    assert _site(root, "--drafts") == 0
    page = (root / "site/en/documents/pol10/7006/2025/en/index.html").read_text(encoding="utf-8")
    assert "Annual report draft" in page and 'class="draft-mark"' in page


def test_document_page_metadata(library):
    tree = html.parse(str(library / SAMPLE_PAGE / "index.html")).getroot()
    meta = {(el.get("name") or el.get("property")): el.get("content")
            for el in tree.iter("meta") if el.get("content")}
    url = BASE + SAMPLE_PAGE
    assert meta["citation_title"] == meta["og:title"] == \
        "24th Session of the Assembly of States Parties to the Rome Statute"
    assert meta["citation_publication_date"] == "2025/11/20"
    assert meta["citation_technical_report_number"] == meta["aiindex"] == "IOR 53/0412/2025"
    assert meta["citation_language"] == "en" and meta["og:locale"] == "en_GB"
    assert meta["og:url"] == url
    assert "citation_pdf_url" not in meta  # no PDF built for this site
    assert tree.find(".//link[@rel='canonical']").get("href") == url
    alternates = {link.get("hreflang"): link.get("href")
                  for link in tree.iter("link") if link.get("hreflang")}
    assert alternates == {"en": url, "fr": BASE + "fr/documents/ior53/0412/2025/fr/",
                          "ar": BASE + "ar/documents/ior53/0412/2025/ar/"}
    # the HTML writer's content in the frame, and the Word file to download beside it
    assert tree.find(".//header[@class='masthead']") is not None
    assert tree.find(".//section[@class='notes']") is not None
    (download,) = tree.findall(".//ul[@class='downloads']//a")
    assert download.get("href") == "IOR5304122025ENGLISH.docx"
    assert (library / SAMPLE_PAGE / "IOR5304122025ENGLISH.docx").is_file()


def test_pdf_url_for_reference_managers(tmp_path):
    root = _project(tmp_path, documents=DOCUMENTS[7:8], sample=False)
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        assert main(["site", "-q", "--format", "pdf", "--base-url", BASE]) == 0
    page = root / "site/en/documents/act30/7005/2023/en"
    tree = html.parse(str(page / "index.html")).getroot()
    pdf = tree.find(".//meta[@name='citation_pdf_url']").get("content")
    assert pdf == BASE + "en/documents/act30/7005/2023/en/ACT3070052023ENGLISH.pdf"
    assert (page / "ACT3070052023ENGLISH.pdf").read_bytes().startswith(b"%PDF")


def test_feeds_per_language(library):
    for lang, count in (("en", 5), ("fr", 3), ("es", 1), ("ar", 3)):
        feed = feedparser.parse(str(library / lang / "feed.xml"))
        assert not feed.bozo, feed.bozo_exception
        assert feed.feed.language == lang
        assert len(feed.entries) == count
        dates = [entry.published for entry in feed.entries]
        assert dates == sorted(dates, reverse=True)
        for entry in feed.entries:
            assert entry.link.startswith(BASE + f"{lang}/")
            assert (library / entry.link.removeprefix(BASE) / "index.html").is_file()


def test_sitemap_with_alternates(library):
    tree = etree.parse(str(library / "sitemap.xml"))
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    urls = tree.findall("s:url", ns)
    locs = [url.findtext("s:loc", namespaces=ns) for url in urls]
    assert set(_document_pages(library)) <= {loc.removeprefix(BASE) for loc in locs}
    for url in urls:
        loc = url.findtext("s:loc", namespaces=ns)
        assert (library / loc.removeprefix(BASE) / "index.html").is_file()
        alternates = url.findall("x:link", ns)
        assert loc in [link.get("href") for link in alternates]
    sample = next(url for url in urls if url.findtext("s:loc", namespaces=ns) == BASE + SAMPLE_PAGE)
    assert sorted(link.get("hreflang") for link in sample.findall("x:link", ns)) == ["ar", "en", "fr"]


def test_lists_by_series_year_and_language_with_house_names(library):
    series = html.parse(str(library / "fr/series/index.html")).getroot()
    names = [a.text for a in series.findall(".//ul[@class='groups']//a")]
    assert "Afrique" in names and "Organisations internationales" in names
    arabic = html.parse(str(library / "ar/series/eur/index.html")).getroot()
    assert arabic.get("dir") == "rtl" and arabic.findtext(".//h1") == "أوروبا وآسيا الوسطى"
    year = html.parse(str(library / "en/years/2024/index.html")).getroot()
    titles = [a.text for a in year.findall(".//ol[@class='documents']//h2/a")]
    assert titles == ["Detention without trial", "Policing protests"]  # latest first
    spanish = html.parse(str(library / "en/languages/es/index.html")).getroot()
    assert [a.text for a in spanish.findall(".//h2/a")] == ["Policing protests"]
    # the home: latest first, paginated (2 a page), every page linked from every page
    pages = sorted(library.glob("en/page/*/index.html"))
    assert [p.parent.name for p in pages] == ["2", "3"]
    first = html.parse(str(library / "en/index.html")).getroot()
    dates = [t.get("datetime") for t in first.findall(".//ol[@class='documents']//time")]
    assert dates == sorted(dates, reverse=True) and len(dates) == 2
    links = [a.get("href") for a in first.findall(".//nav[@class='pagination']//a")]
    assert links == ["./", "page/2/", "page/3/"]


# Incremental --------------------------------------------------------------------------

def test_one_document_changed_rewrites_its_pages_and_lists_only(tmp_path):
    root = _project(tmp_path, documents=DOCUMENTS[:6], sample=False)
    house = root / "style"
    sources = sorted((root / "source").glob("*/*.md"))

    def run():
        return publish.publish(sources, root / "output", root / "site", house,
                               formats=["html"], base_url=BASE, workers=1)

    first = run()
    assert first.written and not first.failed
    assert run().written == []
    other = (root / "site/en/documents/afr44/7001/2023/en/index.html").stat().st_mtime_ns
    en = root / "source/eur-detention/en.md"
    # the body only: its page, and no list (they show its title, date and index)
    en.write_text(en.read_text(encoding="utf-8").replace("for months", "for weeks"),
                  encoding="utf-8")
    assert run().written == ["en/documents/eur46/7003/2024/en/index.html"]
    # its title: its page and every list it is in, in every edition
    en.write_text(en.read_text(encoding="utf-8").replace("Detention without trial",
                                                         "Detention without charge"),
                  encoding="utf-8")
    written = set(run().written)
    assert "en/documents/eur46/7003/2024/en/index.html" in written
    assert "ar/documents/eur46/7003/2024/ar/index.html" not in written  # its own title
    assert not any("afr44" in name or "amr51" in name for name in written)
    for edition in ("en", "fr", "es"):  # which show its English title
        assert {f"{edition}/index.html", f"{edition}/years/2024/index.html",
                f"{edition}/series/eur/index.html", f"{edition}/languages/en/index.html",
                f"{edition}/languages/ar/index.html"} <= written
        assert f"{edition}/years/2023/index.html" not in written
        assert f"{edition}/series/afr/index.html" not in written
        assert f"{edition}/languages/es/index.html" not in written
    assert not any(name.startswith("ar/") for name in written)  # the Arabic title is shown
    assert "en/feed.xml" in written and "es/feed.xml" not in written
    assert (root / "site/en/documents/afr44/7001/2023/en/index.html").stat().st_mtime_ns == other
    # a withdrawn document's pages go
    shutil.rmtree(root / "source/amr-policing")
    sources = sorted((root / "source").glob("*/*.md"))
    removed = run().removed
    assert "es/documents/amr51/7002/2024/es/index.html" in removed
    assert not (root / "site/es").exists() or not (root / "site/es/index.html").exists()


def test_a_failed_document_leaves_the_site_as_it_was(tmp_path, capsys):
    root = _project(tmp_path, documents=DOCUMENTS[:1], sample=False)
    assert _site(root) == 0
    page = root / "site/en/documents/afr44/7001/2023/en/index.html"
    before = page.read_bytes()
    source = root / "source/afr-elections/en.md"
    source.write_text(source.read_text(encoding="utf-8").replace("## Section", "# Section")
                      + "\nNew text.\n", encoding="utf-8")
    capsys.readouterr()
    assert _site(root) == 1
    err = capsys.readouterr().err
    assert "en.md:8:1: error:" in err and "Traceback" not in err
    assert page.read_bytes() == before


def test_bad_front_matter_is_an_error_at_its_line(tmp_path, capsys):
    root = _project(tmp_path, documents=DOCUMENTS[:1], sample=False)
    source = root / "source/afr-elections/en.md"
    source.write_text(source.read_text(encoding="utf-8").replace("date: 2023-03-14",
                                                                 "date: 14 March"),
                      encoding="utf-8")
    assert _site(root) == 1
    err = capsys.readouterr().err
    assert "en.md:3:7: error: 'date' must be a date" in err and "Traceback" not in err
    assert not (root / "site").exists()


def test_two_pages_at_one_address_are_an_error(tmp_path, capsys):
    root = _project(tmp_path, documents=DOCUMENTS[:1], sample=False)
    shutil.copytree(root / "source/afr-elections", root / "source/afr-copy")
    assert _site(root) == 1
    err = capsys.readouterr().err
    assert re.search(r"afr-elections/en\.md:1:1: error: its page would be at "
                     r"/en/documents/afr44/7001/2023/en/, where .*afr-copy/en\.md's is", err)
    assert not (root / "site").exists()


def test_base_url_must_be_an_address(tmp_path, capsys):
    root = _project(tmp_path, documents=DOCUMENTS[:1], sample=False)
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        assert main(["site", "--base-url", "/library/"]) == 1
    assert "--base-url must be an http(s) address" in capsys.readouterr().err


def test_a_style_without_the_library_templates_is_a_clear_error(tmp_path, capsys):
    root = _project(tmp_path, documents=DOCUMENTS[:1], sample=False)
    shutil.rmtree(root / "style/templates/site")
    assert _site(root) == 1
    err = capsys.readouterr().err
    assert "has no templates/site/" in err and "Traceback" not in err


def test_outdated_translation_shows_the_house_note(tmp_path):
    root = tmp_path
    (root / "briefing.toml").write_text("", encoding="utf-8")
    folder = root / "source" / SAMPLE.name
    shutil.copytree(SAMPLE, folder)
    en = folder / "en.md"
    en.write_text(en.read_text(encoding="utf-8").replace(
        "Without arrests, there are no trials.", "Without arrests, there can be no trials."),
        encoding="utf-8")
    (folder / "ar.md").unlink()  # two languages are enough
    fr = folder / "fr.md"
    fr.write_text(fr.read_text(encoding="utf-8").replace("original: en\n",
                                                         "original: en\nstatus: draft\n"),
                  encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        assert main(["site", "-q", "--format", "html", "--drafts"]) == 0
    page = html.parse(str(root / "site/fr/documents/ior53/0412/2025/fr/index.html")).getroot()
    note = page.find(".//aside[@class='outdated']")
    assert note is not None and note.findtext(".//strong") == "Traduction obsolète."
    # the default address: the host of the house's pattern
    assert page.find(".//link[@rel='canonical']").get("href") == \
        "https://www.amnesty.org/fr/documents/ior53/0412/2025/fr/"


def test_a_house_sets_its_own_address_pattern(tmp_path):
    root = tmp_path
    style = root / "ours"
    shutil.copytree(houses.locate("plain"), style)
    house = style / "house.yaml"
    house.write_text(house.read_text(encoding="utf-8").replace(
        'url: "https://example.org/{site}/briefings/{slug}/{lang}/"',
        'url: "https://docs.example.net/{lang}/library/{slug}/"'), encoding="utf-8")
    (root / "briefing.toml").write_text('style = "ours"\n', encoding="utf-8")
    _write(root, "water-brief", "en", "", "final", "Water", "2024-05-05", "", "Text.")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        assert main(["site", "-q", "--format", "html"]) == 0
    page = html.parse(str(root / "site/en/library/water-brief/index.html")).getroot()
    assert page.find(".//link[@rel='canonical']").get("href") == \
        "https://docs.example.net/en/library/water-brief/"
    assert not (root / "site/en/series").exists()  # a reference scheme has no series


# In the browser -----------------------------------------------------------------------

def test_crawl_from_the_home_page(library, served, browser):
    """Every internal link resolves, nothing fails to load or logs an error, and every
    document page is within 3 clicks of the home page."""
    page = browser.new_page()
    problems: list[str] = []
    page.on("console", lambda m: m.type == "error" and problems.append(f"console: {m.text}"))
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    # a font still loading when the crawl moves on is aborted by the browser: no failure
    page.on("requestfailed", lambda r: r.failure != "net::ERR_ABORTED"
            and problems.append(f"failed: {r.url} ({r.failure})"))
    page.on("response", lambda r: r.status >= 400 and problems.append(f"{r.status}: {r.url}"))
    depth, queue = {served: 0}, deque([served])
    referred, files = set(), set()

    def local(link: str) -> str | None:
        link = link.split("#")[0]
        if link.startswith(BASE):  # canonical and alternate addresses: served here
            link = served + link.removeprefix(BASE)
        return link if link.startswith(served) else None

    while queue:
        url = queue.popleft()
        assert page.goto(url).status == 200, url
        clicks = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
        for link in filter(None, map(local, clicks)):
            if not link.endswith("/"):
                files.add(link)
            elif link not in depth:
                depth[link] = depth[url] + 1
                queue.append(link)
        refs = page.eval_on_selector_all("link[href]", "els => els.map(e => e.href)")
        for link in filter(None, map(local, refs)):
            (referred if link.endswith("/") else files).add(link)
    for link in referred - set(depth):
        assert page.goto(link).status == 200, link
    for file in files:
        assert page.request.get(file).status == 200, file
    assert problems == []
    for path in _document_pages(library):
        assert depth.get(served + path, 99) <= 3, path


def _checked_pages(library: Path) -> list[Path]:
    """The site's entrance, the English home, a series list, and a document page in English
    and in Arabic."""
    documents = sorted(_document_pages(library))
    return [library / "index.html", library / "en" / "index.html",
            sorted((library / "en" / "series").glob("*/index.html"))[0],
            *(library / next(path for path in documents if path.startswith(f"{lang}/"))
              / "index.html" for lang in ("en", "ar"))]


def test_valid_for_the_nu_html_checker(library):
    report = validators.vnu(_checked_pages(library))
    assert report and all(problems == [] for problems in report.values()), report


@pytest.mark.parametrize("width", validators.WIDTHS)
def test_accessible_for_axe_core(library, browser, width):
    for page in _checked_pages(library):
        assert validators.axe(browser, page, width) == [], page


@pytest.mark.parametrize("lang, word, expected, count", [
    ("en", "quillwort", "en/documents/act30/7005/2023/en/", "1 document"),
    ("ar", "السنديانة", "ar/documents/eur46/7003/2024/ar/", "وثيقة واحدة"),
])
def test_search_finds_a_word_of_one_document(served, browser, lang, word, expected, count):
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{served}{lang}/search/?q={word}")
    page.wait_for_selector("form[data-ready]")
    results = page.eval_on_selector_all("#search-results a", "els => els.map(e => e.href)")
    assert results == [served + expected]
    assert page.text_content("#search-status") == count  # the language's plural form
    assert page.input_value("#query") == word and errors == []
    # the form searches too
    page.fill("#query", "zzzznothing")
    page.click("button[type=submit]")
    page.wait_for_function("document.querySelector('#search-results').children.length === 0")
    assert page.text_content("#search-status") != ""


# Preview ------------------------------------------------------------------------------

@pytest.mark.e2e  # a watcher and a warm worker, as test_live.py
def test_preview_serves_the_library_with_live_reload(tmp_path):
    import http.client
    import time

    from pipeline.commands import live

    root = _project(tmp_path, documents=DOCUMENTS[:1] + DOCUMENTS[9:], sample=False)
    preview = live.SitePreview([root / "source"], root / "output", root / "style")
    server = threading.Thread(target=preview.serve)
    server.start()

    def get(path, host=None):
        connection = http.client.HTTPConnection("127.0.0.1", preview.port, timeout=30)
        connection.putrequest("GET", path, skip_host=True)
        connection.putheader("Host", host or f"127.0.0.1:{preview.port}")
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read()

    page = "/en/documents/afr44/7001/2023/en/"
    try:
        for _ in range(600):
            if get(page)[0] == 200:
                break
            time.sleep(0.1)
        status, body = get(page)
        assert status == 200 and b"Elections under pressure" in body
        assert b'<script src="/__briefing/reload.js"></script>\n</body>' in body
        assert f'href="http://127.0.0.1:{preview.port}{page}"'.encode() in body  # canonical
        assert get("/en/documents/pol10/7006/2025/en/")[0] == 200  # drafts are previewed
        assert get("/", "attacker.example")[0] == 403
        assert get("/%2e%2e/%2e%2e/briefing.toml")[0] == 404
        events = http.client.HTTPConnection("127.0.0.1", preview.port, timeout=30)
        events.request("GET", "/__briefing/events")
        stream = events.getresponse()
        while stream.fp.readline() != b": still here\n":  # the first build's events
            pass
        source = root / "source/afr-elections/en.md"
        source.write_text(source.read_text(encoding="utf-8").replace(
            "Elections under pressure", "Elections postponed"), encoding="utf-8")
        for _ in range(240):
            if stream.fp.readline().decode().strip() == "event: page":
                break
        else:
            raise AssertionError("no reload")
        events.close()
        assert b"Elections postponed" in get(page)[1]
        assert b"Elections postponed" in get("/en/")[1]
    finally:
        preview.stop.set()
        server.join(timeout=60)
    assert not server.is_alive()
