"""Hostile sources: each one gets a clear `file:line:col: error:` or a correct output, never a
traceback, never a file read from outside the document and house style folders, never a
network connection, and never a half-written output."""
from __future__ import annotations

import base64
import io
import os
import select
import signal
import socket
import struct
import textwrap
import threading
import zlib

import pikepdf
import pypdf
import pytest
from PIL import Image

from conftest import MINIMAL, write_doc
from pipeline.jobs import build
from pipeline import files, limits
from pipeline.translation import xliff
from pipeline.commands.cli import main
from pipeline.errors import SourceError
from pipeline.writers import html

HEAD = """\
---
title: A hostile briefing
date: 2024-11-27
index: IOR 53/8787/2024
---
"""


class Listener:
    """A TCP port on loopback that tells whether anything connected to it."""

    def __init__(self):
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(8)  # the kernel queues a connection even if nobody accepts it
        self.port = self.socket.getsockname()[1]

    def connected(self) -> bool:
        return bool(select.select([self.socket], [], [], 0.2)[0])


@pytest.fixture
def listener():
    server = Listener()
    yield server
    server.socket.close()


def test_the_listener_sees_a_connection(listener):
    assert not listener.connected()
    with socket.create_connection(("127.0.0.1", listener.port)):
        assert listener.connected()


def build_fails(source, out, capsys, line, words):
    """`briefing build` fails at `source:line:` with `words`, and writes nothing."""
    assert main(["build", str(source.parent), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"{source}:{line}:"), err
    assert words in err and "Traceback" not in err, err
    assert not any(path.is_file() for path in out.rglob("*")), "a failed build wrote a file"
    assert main(["check", str(source)]) == 1
    assert words in capsys.readouterr().err


def pdf_text(out) -> str:
    (pdf,) = out.rglob("*.pdf")
    return " ".join(" ".join(page.extract_text().split()) for page in pypdf.PdfReader(pdf).pages)


def test_raw_html_is_printed_as_text_and_loads_nothing(tmp_path, capsys, listener):
    port = listener.port
    source = write_doc(tmp_path / "doc", HEAD + textwrap.dedent(f"""\
        An image <img src="file:///etc/passwd"> and an attachment
        <link rel=attachment href="file:///etc/passwd">
        <a rel="attachment" href="file:///etc/passwd">passwd</a>
        <img src="http://127.0.0.1:{port}/x.png"> and [a link](file:///etc/passwd).

        ![an image](file:///etc/passwd)
        """))
    out = tmp_path / "out"
    assert main(["build", str(source), "--out", str(out)]) == 0
    text = pdf_text(out)
    assert "An image <img src=“file:///etc/passwd”>" in text  # with typographic quotes
    assert "<link rel=attachment href=“file:///etc/passwd”>" in text
    assert "(file:///etc/passwd)" in text  # markdown-it makes no link or image of file:
    assert "root:" not in text
    (pdf,) = out.rglob("*.pdf")
    with pikepdf.open(pdf) as document:
        assert not document.attachments
    assert not listener.connected()


@pytest.mark.parametrize("url, words", [
    ("../../../etc/passwd", "lies outside the document folder"),
    ("/etc/passwd", "must be a file name relative to the document folder"),
    ("%2e%2e/%2e%2e/%2e%2e/etc/passwd", "lies outside the document folder"),
    ("missing.png", "not found in the document folder"),
    ("en.md", "must be a PNG, JPEG or SVG file"),
])
def test_image_outside_the_folder_is_an_error_at_its_line(url, words, tmp_path, capsys):
    source = write_doc(tmp_path / "doc", HEAD + f"Text.\n\nSee ![the file]({url}).\n")
    build_fails(source, tmp_path / "out", capsys, "8:17", words)


def test_image_from_the_network_is_refused_without_a_connection(tmp_path, capsys, listener):
    port = listener.port
    url = f"http://127.0.0.1:{port}/x.png"
    source = write_doc(tmp_path / "doc", HEAD + f"![x]({url})\n")
    build_fails(source, tmp_path / "out", capsys, "6:6",
                f"image '{url}' must be a file name relative to the document folder")
    assert not listener.connected()


def test_symlinks_are_refused_for_every_file_a_document_reads(tmp_path, capsys):
    outside = tmp_path / "outside"
    outside.mkdir()
    Image.new("RGB", (10, 10)).save(outside / "real.png")
    (outside / "refs.bib").write_text("@misc{k, title={Secret}, year={2024}}\n")
    (outside / "secret.md").write_text(HEAD + "The secret text.\n")
    folder = tmp_path / "doc"
    source = write_doc(folder, HEAD + "![x](real.png)\n")
    os.symlink(outside / "real.png", folder / "real.png")
    build_fails(source, tmp_path / "out", capsys, "6:6", "image 'real.png' is a symbolic link")

    write_doc(folder, HEAD + "Text [@k].\n")
    os.symlink(outside / "refs.bib", folder / "references.bib")
    assert main(["check", str(source)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"{folder / 'references.bib'}:1:1: error: bibliography file "
                          "'references.bib' is a symbolic link"), err

    source.unlink()
    os.symlink(outside / "secret.md", source)
    build_fails(source, tmp_path / "out", capsys, "1:1", "the source file is a symbolic link")

    source.unlink()
    write_doc(folder, HEAD.replace("title:", "original: fr\ntitle:"), name="en.md")
    os.symlink(outside / "secret.md", folder / "fr.md")
    assert main(["check", str(source)]) == 1
    assert "the source file is a symbolic link" in capsys.readouterr().err


def test_a_fifo_source_is_refused_at_once(tmp_path, capsys):
    """A FIFO (or device) named like a source is refused, never opened for a read that
    would wait forever, in the main process as in the workers."""
    folder = tmp_path / "doc"
    write_doc(folder)
    os.mkfifo(folder / "fr.md")
    os.mkfifo(folder / "references.bib")
    previous = signal.signal(signal.SIGALRM, lambda *_: pytest.fail("the build hangs"))
    signal.alarm(20)
    try:
        assert main(["build", str(folder), "--out", str(tmp_path / "out")]) == 1
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    err = capsys.readouterr().err
    assert f"{folder / 'fr.md'}:1:1: error: the source file is not a regular file" in err, err
    assert "bibliography file 'references.bib' is not a regular file" in err, err


def test_an_image_is_read_once_so_a_swap_after_reading_leaks_nothing(tmp_path, house_style):
    """The web page and the Word file embed the bytes checked when the source was read: a
    file swapped for a link to a secret afterwards is never read."""
    secret = tmp_path / "secret.png"
    Image.new("RGB", (7, 7), (1, 2, 3)).save(secret)
    folder = tmp_path / "doc"
    source = write_doc(folder, HEAD + "![x](x.png)\n")
    Image.new("RGB", (10, 10), (255, 0, 0)).save(folder / "x.png")
    doc = build.load(source, house_style)
    (folder / "x.png").unlink()
    os.symlink(secret, folder / "x.png")
    from pipeline.writers import render
    encoded = base64.b64encode(secret.read_bytes()).decode()
    assert encoded not in html.page(doc, house_style)
    assert secret.read_bytes() not in render(doc, house_style, "docx")
    pdf = pikepdf.open(io.BytesIO(render(doc, house_style, "pdf")))
    widths = [int(obj.Width) for obj in pdf.objects
              if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == "/Image"]
    assert widths == [10]  # the 10-pixel image read with the source, not the 7-pixel secret


def test_a_file_swapped_for_a_symlink_while_read_is_never_followed(tmp_path):
    """200 reads while another thread swaps the file for a link to a secret and back: each
    read gives the file's bytes or a refusal, never the secret."""
    folder = tmp_path / "doc"
    folder.mkdir()
    (tmp_path / "secret").write_bytes(b"SECRET")
    target, stop = folder / "x.png", threading.Event()

    def swap():
        while not stop.is_set():
            (folder / "real").write_bytes(b"PUBLIC")
            os.replace(folder / "real", target)
            os.symlink(tmp_path / "secret", folder / "link")
            os.replace(folder / "link", target)

    swapper = threading.Thread(target=swap)
    swapper.start()
    seen = set()
    try:
        for _ in range(200):
            try:
                seen.add(files.read_inside(target, folder, 100, "image"))
            except SourceError as err:
                seen.add(err.message)
    finally:
        stop.set()
        swapper.join()
    assert b"SECRET" not in seen and b"PUBLIC" in seen, seen
    assert "image is a symbolic link: copy the file into the document folder" in seen, seen


@pytest.mark.parametrize("fmt", ["pdf", "docx", "html"])
def test_a_decompression_bomb_png_is_refused_for_every_format(fmt, tmp_path, capsys):
    """30000 x 30000 pixels in about 100 kB: refused from its header, before any decoding."""
    folder = tmp_path / "doc"
    source = write_doc(folder, HEAD + "![bomb](bomb.png)\n")
    (folder / "bomb.png").write_bytes(png_bomb(30_000))
    assert (folder / "bomb.png").stat().st_size < 1_000_000
    out = tmp_path / "out"
    assert main(["build", str(source), "--format", fmt, "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"{source}:6:9: error: image 'bomb.png' has more than the 50 "
                          "million pixels limit"), err
    assert not any(out.rglob("*.*"))


def test_an_image_over_the_pixel_limit_says_its_size(tmp_path, capsys):
    folder = tmp_path / "doc"
    source = write_doc(folder, HEAD + "![big](big.png)\n")
    (folder / "big.png").write_bytes(png_bomb(8_000))
    assert main(["check", str(source)]) == 1
    assert capsys.readouterr().err == (f"{source}:6:8: error: image 'big.png' has 8000 x 8000 "
                                       "pixels, more than the 50 million limit\n")


def png_bomb(side: int) -> bytes:
    """A valid black-and-white PNG of `side` x `side` pixels, all zero: tiny once compressed."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    row = b"\0" * (1 + (side + 7) // 8)
    packer = zlib.compressobj(9)
    body = b"".join(packer.compress(row) for _ in range(side)) + packer.flush()
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0))
            + chunk(b"IDAT", body) + chunk(b"IEND", b""))


def test_svg_referring_to_other_files_is_refused(tmp_path, capsys):
    folder = tmp_path / "doc"
    source = write_doc(folder, HEAD + "Chart:\n![chart](chart.svg)\n")
    (folder / "chart.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
        '<image xlink:href="file:///etc/passwd" width="9" height="9"/></svg>')
    build_fails(source, tmp_path / "out", capsys, "7:10", "may not refer to 'file:///etc/passwd'")


@pytest.mark.parametrize("inside, words", [
    ("<script>fetch('/pdf')</script>", "may not hold a <script>"),
    ('<rect width="9" height="9" onload="fetch(\'/pdf\')"/>', "event attribute 'onload'"),
    ("<foreignObject><div xmlns='http://www.w3.org/1999/xhtml'>x</div></foreignObject>",
     "may not hold a <foreignObject>"),
])
def test_svg_with_code_is_refused(tmp_path, capsys, inside, words):
    folder = tmp_path / "doc"
    source = write_doc(folder, HEAD + "Chart:\n![chart](chart.svg)\n")
    (folder / "chart.svg").write_text(f'<svg xmlns="http://www.w3.org/2000/svg">{inside}</svg>')
    build_fails(source, tmp_path / "out", capsys, "7:10", words)


def test_front_matter_cannot_smuggle_css_or_markup(tmp_path, capsys, listener, house_style):
    port = listener.port
    title = f'Title</title><style>@import url("http://127.0.0.1:{port}/a.css");</style>'
    source = write_doc(tmp_path / "doc", MINIMAL.replace(
        "title: A minimal briefing",
        f"title: '{title}'\nevent: 'url(http://127.0.0.1:{port}/b.png)'\n"
        f"short_title: '<link rel=stylesheet href=\"http://127.0.0.1:{port}/c.css\">'"))
    out = tmp_path / "out"
    assert main(["build", str(source), "--out", str(out)]) == 0
    text = pdf_text(out)
    assert "TITLE</TITLE><STYLE>@IMPORT URL(" in text  # the masthead prints it upper case
    assert f"url(http://127.0.0.1:{port}/b.png)" in text.lower()
    assert not listener.connected()
    page = html.print_document(build.load(source, house_style), house_style)
    assert "<style>@import" not in page and "&lt;style&gt;@import" in page


def test_template_syntax_in_sources_is_printed_literally(tmp_path, house_style):
    bib = "@misc{k, title = {The \\{\\{ config \\}\\} report}, year = {2024}}\n"
    source = write_doc(tmp_path / "doc", HEAD.replace("A hostile briefing", "Sum {{ 7*7 }}") +
                       "Text {{ 7*7 }} and {% if true %}yes{% endif %} {# hidden #}.[^n]\n\n"
                       "Cited [@k].\n\n[^n]: Note {{ house }}.\n", bib=bib)
    page = html.print_document(build.load(source, house_style), house_style)
    for literal in ("Sum {{ 7*7 }}", "Text {{ 7*7 }} and {% if true %}yes{% endif %} "
                    "{# hidden #}", "Note {{ house }}", "The {{ config }} report"):
        assert literal in page, literal
    assert "49" not in page


def test_a_20_mib_source_is_refused_before_reading(tmp_path, capsys):
    source = write_doc(tmp_path / "doc")
    with source.open("a") as stream:
        stream.write(("Filler text. " * 80 + "\n\n") * 21_000)
    assert source.stat().st_size > 20 * limits.MiB
    build_fails(source, tmp_path / "out", capsys, "1:1",
                f"the source file is {source.stat().st_size / limits.MiB:.1f} MiB, more than "
                "the 2 MiB limit")


def test_10000_footnotes(tmp_path, capsys, house_style):
    calls = "".join(f"Sentence {n}.[^{n}]\n" for n in range(10_000))
    notes = "".join(f"[^{n}]: Note number {n}.\n\n" for n in range(10_000))
    source = write_doc(tmp_path / "doc", HEAD + calls + "\n" + notes)
    assert main(["check", str(source)]) == 0
    doc = build.load(source, house_style)
    page = html.print_document(doc, house_style)
    assert page.count('<span class="footnote" id="fn-') == 10_000
    assert '<span class="footnote" id="fn-10000"><span class="fn-p">Note number 9999.' in page


def nested_list(depth: int) -> str:
    return "".join("  " * n + f"- level {n + 1}\n" for n in range(depth)) + "\nAfter the list.\n"


def test_lists_nested_1000_deep_are_an_error(tmp_path, capsys):
    source = write_doc(tmp_path / "doc", HEAD + nested_list(1000))
    assert main(["check", str(source)]) == 1
    err = capsys.readouterr().err
    line = 6 + limits.NESTING  # the first item one level too deep
    assert err.startswith(f"{source}:{line}:1: error: nested too deep"), err


def test_emphasis_nested_1000_deep_is_an_error(tmp_path, capsys):
    marks = ["*_"[n % 2] for n in range(1000)]
    text = "".join(f"{mark}w{n} " for n, mark in enumerate(marks))
    text += " ".join(f"x{n}{mark}" for n, mark in reversed(list(enumerate(marks))))
    source = write_doc(tmp_path / "doc", HEAD + text + "\n")
    assert main(["check", str(source)]) == 1
    assert capsys.readouterr().err.startswith(f"{source}:6:1: error: nested too deep")


def test_lists_nested_to_the_limit_lose_nothing(tmp_path, house_style):
    """markdown-it drops what lies beyond its maxNesting without a word: not below our limit."""
    source = write_doc(tmp_path / "doc", HEAD + nested_list(limits.NESTING))
    page = html.print_document(build.load(source, house_style), house_style)
    assert f"level {limits.NESTING}" in page and "After the list." in page
    assert page.count("<ul>") == limits.NESTING


def test_invalid_utf8_is_an_error_at_its_byte(tmp_path, capsys):
    source = write_doc(tmp_path / "doc")
    source.write_bytes(source.read_bytes().replace(b"More text.", b"More t\xe9xt."))
    build_fails(source, tmp_path / "out", capsys, "10:7", "the file is not valid UTF-8")


def test_an_original_with_invalid_utf8_is_an_error_at_its_byte(tmp_path, capsys):
    folder = tmp_path / "doc"
    original = write_doc(folder)
    original.write_bytes(original.read_bytes().replace(b"title: A", b"title: \xff A"))
    translation = write_doc(folder, MINIMAL.replace("---\ntitle:", "---\noriginal: en\ntitle:"),
                            name="fr.md")
    assert main(["check", str(translation)]) == 1
    err = capsys.readouterr().err
    assert f"{original}:2:8: error: the file is not valid UTF-8" in err, err
    assert "internal error" not in err, err


@pytest.mark.parametrize("fmt", ["docx", "html", "pdf"])
@pytest.mark.parametrize("where", ["en.md", "references.bib"])
def test_a_control_character_is_an_error_at_its_place(fmt, where, tmp_path, capsys):
    """XML (Word, and the web page) cannot hold U+0000 to U+001F but tab and line ends."""
    source = write_doc(tmp_path / "doc", HEAD + "Text [@k].\n\nA bell\x07 rings.\n",
                       bib="@misc{k,\n  title = {Sec\x0bret},\n  year = {2024},\n}\n")
    other = "references.bib" if where == "en.md" else "en.md"
    path = source.parent / other
    path.write_text(path.read_text().replace("\x07", "").replace("\x0b", ""))
    out = tmp_path / "out"
    assert main(["build", str(source), "--format", fmt, "--out", str(out)]) == 1
    err = capsys.readouterr().err
    place = f"{source}:8:7" if where == "en.md" else f"{source.parent / where}:2:15"
    code = "0007" if where == "en.md" else "000B"
    assert err.startswith(f"{place}: error: the control character U+{code} is not allowed in "
                          "text"), err
    assert not any(out.rglob("*.*"))


@pytest.mark.parametrize("encode", [
    lambda text: b"\xef\xbb\xbf" + text.encode(),  # byte-order mark
    lambda text: text.replace("\n", "\r\n").encode(),  # CRLF
    lambda text: b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode(),
], ids=["bom", "crlf", "bom-crlf"])
def test_bom_and_crlf_read_like_plain_utf8(encode, tmp_path, house_style):
    plain = write_doc(tmp_path / "plain")
    other = write_doc(tmp_path / "other")
    other.write_bytes(encode(MINIMAL))
    expected = html.print_document(build.load(plain, house_style), house_style)
    assert html.print_document(build.load(other, house_style), house_style) == expected


def test_bibtex_with_unbalanced_braces(tmp_path, capsys):
    bib = "@misc{k,\n  title = {Unbalanced {braces},\n  year = {2024},\n}\n\n@misc{j, title={J}}\n"
    source = write_doc(tmp_path / "doc", HEAD + "Text [@k].\n", bib=bib)
    assert main(["check", str(source)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"{source.parent / 'references.bib'}:1:1: error: "), err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_yaml_alias_bomb(tmp_path, capsys):
    bomb = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    bomb += [f"{chr(98 + n)}: &{chr(98 + n)} [{', '.join(['*' + chr(97 + n)] * 9)}]"
             for n in range(8)]
    source = write_doc(tmp_path / "doc", MINIMAL.replace("date:", "\n".join(bomb) + "\ndate:"))
    assert main(["check", str(source)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"{source}:3:4: error: YAML anchors and aliases"), err


def test_xliff_with_an_external_entity_is_refused(tmp_path):
    path = tmp_path / "fr.xlf"
    path.write_text(textwrap.dedent("""\
        <?xml version="1.0" encoding="UTF-8"?>
        <!DOCTYPE xliff [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
        <xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
         <file source-language="en" target-language="fr" datatype="plaintext" original="en.md">
          <body><trans-unit id="p1"><source>Hello</source><target>&xxe;</target></trans-unit></body>
         </file>
        </xliff>
        """))
    with pytest.raises(SourceError) as caught:
        xliff.units(path)
    assert str(caught.value) == (f"{path}:2:1: error: XLIFF files may not have a DOCTYPE: "
                                 "entities and DTDs are refused")


def test_xliff_units_and_syntax_errors(tmp_path):
    path = tmp_path / "fr.xlf"
    path.write_text(textwrap.dedent("""\
        <?xml version="1.0" encoding="UTF-8"?>
        <xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
         <file source-language="en" target-language="fr" datatype="plaintext" original="en.md">
          <body>
           <trans-unit id="p1"><source>Hello</source><target>Bonjour</target></trans-unit>
           <trans-unit id="p2"><source>World</source></trans-unit>
          </body>
         </file>
        </xliff>
        """))
    units = xliff.units(path)
    assert [(u.id, u.source.text, u.target.text if u.target is not None else None,
             u.location.line) for u in units] == [("p1", "Hello", "Bonjour", 5),
                                                  ("p2", "World", None, 6)]
    path.write_text(path.read_text().replace("</target>", "</targt>"))
    with pytest.raises(SourceError, match=r"fr.xlf:5:\d+: error: not well-formed XML"):
        xliff.units(path)


def test_a_newline_in_a_folder_name_forges_no_log_line(tmp_path, capsys):
    """Each message is one line whatever the names: a control character is escaped."""
    root = tmp_path / "source"
    forged = "doc\nbriefing: error: forged"
    bad = write_doc(root / forged, MINIMAL.replace("## A section", "# A title"))
    good = write_doc(root / "good\rx")
    assert main(["build", str(root), "--format", "html", "--out", str(tmp_path / "out")]) == 1
    captured = capsys.readouterr()
    lines = captured.err.splitlines() + captured.out.splitlines()
    assert not any(line.startswith("briefing: error: forged") for line in lines), lines
    escaped = str(bad).replace("\n", "\\n")
    assert f"{escaped}:8:1: error: a '#' heading is not allowed" in captured.err
    assert str(good).replace("\r", "\\r") + ": wrote " in captured.out


def test_a_sync_record_that_is_a_symlink_is_refused(tmp_path, capsys):
    folder = tmp_path / "doc"
    write_doc(folder)
    write_doc(folder, MINIMAL.replace("---\ntitle:", "---\noriginal: en\ntitle:"), name="fr.md")
    (tmp_path / "secret.json").write_text('{"units": []}')
    (folder / ".translations").mkdir()
    os.symlink(tmp_path / "secret.json", folder / ".translations" / "fr.json")
    assert main(["translate", "status", str(folder)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"{folder / '.translations' / 'fr.json'}:1:1: error: the sync record "
                          "is a symbolic link"), err
