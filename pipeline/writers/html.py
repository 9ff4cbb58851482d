"""HTML writer: the document through the house style's Jinja2 templates, either for the
print stylesheet (the PDF's input) or as a standalone web page.

The web page is one self-contained file: its styles are inlined, its images too (as `data:`
URLs), and so are its fonts, cut down by fontTools to the characters the page uses (about
35 kB a face instead of 500 kB). Cutting a font takes about 0.2 s, so each cut is kept in the
build's cache (`store`) by font and character set, for the next builds and documents.
"""
from __future__ import annotations

import base64
import io
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

import jinja2

from .. import store
from ..house.style import HouseStyle
from ..model import Document
from ..transforms.tree import images, map_inlines, plain_text


def print_document(doc: Document, house: HouseStyle, edition: str = "screen") -> str:
    """The HTML that the print stylesheet lays out (notes float to the page foot), for the
    screen PDF or the printer's `edition` ("print": `HouseStyle.token_css`)."""
    return _templates(house).get_template("document.html.j2").render(
        doc=doc, meta=doc.meta, notes=doc.notes, index=doc.meta.index, notes_at="foot",
        embed_images=False,
        house=house, labels=house.labels(doc.lang), style_url=house.root.as_uri() + "/",
        token_css=house.token_css(edition=edition),
    )


def render(doc: Document, house: HouseStyle) -> bytes:
    """The standalone web page, as the file's bytes."""
    return page(doc, house).encode("utf-8")


def page(doc: Document, house: HouseStyle) -> str:
    """The standalone web page: notes at the end, styles and fonts inlined."""
    template = _templates(house).get_template("page.html.j2")
    context = dict(doc=doc, meta=doc.meta, notes=doc.notes, index=doc.meta.index,
                   notes_at="end", embed_images=True, house=house, labels=house.labels(doc.lang),
                   screen_css=(house.root / "screen.css").read_text(encoding="utf-8"))
    text = template.render(**context, token_css=_FONTS_GO_HERE)
    if text.count(_FONTS_GO_HERE) == 1:  # printed once as it is (`|safe`): filled in
        return text.replace(_FONTS_GO_HERE, _token_css(house, text.replace(_FONTS_GO_HERE, "")))
    text = template.render(**context, token_css="")  # printed otherwise: rendered with it
    return template.render(**context, token_css=_token_css(house, text))


# Where the page's fonts go. Escaping, trimming, indenting or changing its case alters it,
# so the page is rendered again when the template prints `token_css` other than as it is.
_FONTS_GO_HERE = "\n\0<fonts & 'styles'>\0\n"


def _token_css(house: HouseStyle, text: str) -> str:
    """The house's tokens as CSS, its fonts cut to the characters of `text`."""
    characters = "".join(sorted(set(text + text.upper())))
    fonts = house.root / "fonts"
    return house.token_css(lambda name: _font_data(fonts / name, characters))


def _templates(house: HouseStyle) -> jinja2.Environment:
    """The house's templates, with the `image_src` and `text_length` filters, compiled once
    for all builds (`_Compiled`)."""
    house.templates.filters["image_src"] = _image_src
    house.templates.filters["text_length"] = _text_length
    house.templates.bytecode_cache = _COMPILED
    return house.templates


class _Compiled(jinja2.BytecodeCache):
    """Compiled templates in the build's cache (`store`), by the template's source and the
    environment's settings; Jinja checks its own version and Python's on loading."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        data = store.get(self._key(bucket))
        if data is not None:
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        store.put(self._key(bucket), bucket.bytecode_to_string())

    @staticmethod
    def _key(bucket: jinja2.bccache.Bucket) -> str:
        env = bucket.environment
        settings = (env.autoescape, env.trim_blocks, env.lstrip_blocks, env.undefined,
                    sorted(env.extensions))
        return f"template {bucket.key} {bucket.checksum} {settings} jinja2 {jinja2.__version__}"


_COMPILED = _Compiled()


def _text_length(blocks: list) -> int:
    """The characters of text in `blocks` (a box is kept whole on a page when short)."""
    total = 0

    def count(inlines):
        nonlocal total
        total += len(plain_text(inlines))
        return inlines

    map_inlines(blocks, count)
    return total


@jinja2.pass_context
def _image_src(context, url: str) -> str:
    """An image's `src`: as written (the PDF's fetcher serves it from the image's `data`), or
    for the standalone page, its `data` (read and checked with the source) as a data: URL."""
    if not context["embed_images"]:
        return url
    data = next(image.data for image in images(context["doc"]) if image.url == url)
    kind = mimetypes.guess_type(unquote(urlsplit(url).path))[0]
    return f"data:{kind};base64," + base64.b64encode(data).decode("ascii")


# How fonts are cut: every layout feature and name kept; FontForge's timestamps (FFTM)
# dropped, as fontTools cannot cut them.
SUBSETTING = {"layout_features": ["*"], "name_IDs": ["*"], "drop_tables": ["FFTM"]}


def _font_data(path: Path, characters: str) -> str:
    """A data: URL of the font at `path`, cut down to `characters`."""
    key = (f"font {store.file_key(path)} {characters} {SUBSETTING} "
           f"{store.library_key('fontTools')}")
    data = store.cached(key, lambda: _cut(path, characters))
    return "data:font/ttf;base64," + base64.b64encode(data).decode("ascii")


def _cut(path: Path, characters: str) -> bytes:
    """The font at `path` with the glyphs of `characters` only."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.layout_features = SUBSETTING["layout_features"]
    options.name_IDs = SUBSETTING["name_IDs"]
    options.drop_tables += SUBSETTING["drop_tables"]
    font = TTFont(path, lazy=True, recalcTimestamp=False)  # same bytes on every build
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=characters)
    subsetter.subset(font)
    data = io.BytesIO()
    font.save(data)
    return data.getvalue()
