"""The library's pages: what each shows, as plain data for the house style's templates
(`templates/site/`), so that a page whose data is unchanged need not be rendered again.

Per edition (a language of the library's lists): the home (latest first), lists by series,
year and language (paginated), a search page and an Atom feed; per document and language a
page at the house's address; at the top, a page choosing the edition and `sitemap.xml`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Callable

from ..house import locale
from ..house.style import HouseStyle
from ..writers import FORMATS, PRINTED, WEB_PAGE
from .catalogue import Entry, Version

FEED = "feed.xml"
HEADINGS = {"series": "by_series", "years": "by_year", "languages": "by_language"}


@dataclass
class Page:
    file: str  # in the site: `en/series/ior/index.html`
    template: str  # under the house style's templates/
    context: dict  # JSON-able: what the page shows
    reads: list[Path] = field(default_factory=list)  # files it takes text from (web page)

    @property
    def folder(self) -> str:
        return self.file.rpartition("/")[0] + "/" if "/" in self.file else ""


@cache
def language_name(lang: str, shown_in: str) -> str:
    """`lang`'s name in the language `shown_in` (its own name when they are the same)."""
    name = locale.locale(lang).get_display_name(locale.locale(shown_in))
    return name[:1].upper() + name[1:]


class Library:
    """The pages of the library of `entries` (latest first), in its editions: the languages
    of the documents, in the order of the house's labels (the first is the default)."""

    def __init__(self, house: HouseStyle, entries: list[Entry], base: str):
        self.house, self.entries, self.base = house, entries, base
        self.per_page = int(house.site.get("per_page", 20))
        found = {lang for entry in entries for lang in entry.versions}
        self.editions = ([lang for lang in house.languages if lang in found]
                         + sorted(found - set(house.languages)))
        self.scheme = house.identifiers
        self.has_series = any(self.scheme.series_of(e.original.meta.index) for e in entries)
        self.in_language = {lang: [entry for entry in entries if lang in entry.versions]
                            for lang in self.editions}

    def pages(self, downloads: Callable[[Version], list[dict]]) -> list[Page]:
        """Every page; `downloads(version)` gives a document page's files to download."""
        first = self.editions[0] if self.editions else self.house.languages[0]
        editions = [{"lang": lang, "name": language_name(lang, lang), "path": f"{lang}/",
                     "current": False} for lang in self.editions]
        pages = [Page("index.html", "site/root.html.j2", {
            "lang": first, "path": "", "nav": [], "switcher": editions, "feed": "",
            "editions": editions,
            "title": f"{self.house.organisation}: {self._labels(first)['site_name']}"})]
        for edition in self.editions:
            pages += self._edition(edition)
        for entry in self.entries:
            for version in entry.versions.values():
                pages.append(self._document(entry, version, downloads(version)))
        pages.append(Page("sitemap.xml", "site/sitemap.xml.j2", {"lang": first, "pages": [
            {"path": version.path, "alternates": self._alternates(entry)}
            for entry in self.entries for version in entry.versions.values()]
            + [{"path": f"{lang}/", "alternates": [{"lang": other, "path": f"{other}/"}
                                                   for other in self.editions]}
               for lang in self.editions]}))
        return pages

    # Lists ----------------------------------------------------------------------------

    def _edition(self, lang: str) -> list[Page]:
        labels = self._labels(lang)
        pages = self._list(lang, "", labels["latest"], self.entries)
        groups = {"series": {}, "years": {}, "languages": {}}
        for entry in self.entries:
            series = self.scheme.series_of(entry.original.meta.index)
            if series:
                groups["series"].setdefault(series, []).append(entry)
            groups["years"].setdefault(entry.date.year, []).append(entry)
            for other in entry.versions:
                groups["languages"].setdefault(other, []).append(entry)
        names = {"series": lambda code: self.scheme.series_name(code, lang),
                 "years": lambda year: locale.digits(str(year), labels),
                 "languages": lambda other: language_name(other, lang)}
        orders = {"series": lambda code: names["series"](code), "years": lambda year: -year,
                  "languages": lambda other: self.editions.index(other)}
        for kind, members in groups.items():
            if not members:
                continue
            heading = labels[HEADINGS[kind]]
            keys = sorted(members, key=orders[kind])
            links = []
            for key in keys:
                section = f"{kind}/{str(key).lower()}/"
                pages += self._list(lang, section, names[kind](key), members[key])
                links.append({"name": names[kind](key), "path": f"{lang}/{section}",
                              "count": locale.digits(str(len(members[key])), labels)})
            pages.append(self._page(lang, f"{kind}/", "site/groups.html.j2",
                                    {"title": heading, "groups": links}))
        pages.append(self._page(lang, "search/", "site/search.html.j2",
                                {"title": labels["search"]}))
        in_lang = self.in_language[lang]
        pages.append(Page(f"{lang}/{FEED}", "site/feed.xml.j2", {
            "lang": lang, "title": f"{self.house.organisation}: {labels['site_name']}",
            "path": f"{lang}/", "updated": in_lang[0].date.isoformat() if in_lang else "",
            "entries": [self._item(entry.versions[lang], lang, entry) for entry in in_lang]}))
        return pages

    def _list(self, lang: str, section: str, title: str, entries: list[Entry]) -> list[Page]:
        """`section` of the edition `lang` (`series/ior/`), `per_page` entries a page."""
        count = max(1, -(-len(entries) // self.per_page))
        paths = [f"{lang}/{section}"] + [f"{lang}/{section}page/{n}/" for n in range(2, count + 1)]
        labels = self._labels(lang)
        pages = []
        for number, path in enumerate(paths, 1):
            chunk = entries[(number - 1) * self.per_page:number * self.per_page]
            numbered = title if number == 1 else \
                f"{title} · {labels['page'].format(number=locale.digits(str(number), labels))}"
            pages.append(self._page(lang, path.removeprefix(f"{lang}/"), "site/list.html.j2", {
                "title": numbered,
                "items": [self._item(entry.version(lang), lang, entry) for entry in chunk],
                "pagination": [{"number": locale.digits(str(n), labels), "path": target,
                                "current": n == number}
                               for n, target in enumerate(paths, 1)] if count > 1 else [],
            }))
        return pages

    def _page(self, lang: str, section: str, template: str, context: dict) -> Page:
        """A page of the edition `lang`: `section` of it (`series/ior/`)."""
        return Page(f"{lang}/{section}index.html", template, {
            **context, **self._frame(lang, section), "lang": lang, "path": f"{lang}/{section}",
        })

    def _frame(self, lang: str, section: str | None) -> dict:
        """The navigation of the edition `lang` (`section` current), the language switcher
        to the same section in the others, and the edition's feed."""
        labels = self._labels(lang)
        nav = [(labels["latest"], ""), (labels["by_series"], "series/"),
               (labels["by_year"], "years/"), (labels["by_language"], "languages/"),
               (labels["search"], "search/")]
        return {
            "nav": [{"name": name, "path": f"{lang}/{target}", "current": target == section}
                    for name, target in nav if self.has_series or target != "series/"],
            "switcher": [{"lang": other, "name": language_name(other, other),
                          "path": f"{other}/{section or ''}", "current": other == lang}
                         for other in self.editions],
            "feed": f"{lang}/{FEED}" if self.in_language[lang] else "",
        }

    def _item(self, version: Version, lang: str, entry: Entry) -> dict:
        """A document as a list of the edition `lang` shows it."""
        meta = version.meta
        series = self.scheme.series_of(entry.original.meta.index)
        return {
            "title": meta.title, "lang": version.lang, "dir": locale.direction(version.lang),
            "kind": meta.kind or self._labels(version.lang)["kind"], "path": version.path,
            "date": locale.long_date(entry.date, lang, self._labels(lang)),
            "iso": entry.date.isoformat(), "index": _text(meta.index),
            "series": self.scheme.series_name(series, lang) if series else "",
            "languages": [{"lang": other, "name": language_name(other, other), "path": v.path}
                          for other, v in entry.versions.items()],
        }

    # Document pages -------------------------------------------------------------------

    def _document(self, entry: Entry, version: Version, files: list[dict]) -> Page:
        meta, lang = version.meta, version.lang
        labels = self._labels(lang)
        pdf = next((item for item in files if item["format"] == PRINTED.name), None)
        context = {**self._frame(lang, None), "lang": lang, "path": version.path,
                   "title": meta.title,
                   "item": self._item(version, lang, entry), "files": files,
                   "description": f"{meta.kind or labels['kind']}: {meta.title}",
                   "date": meta.date.isoformat(), "citation_date": meta.date.strftime("%Y/%m/%d"),
                   "organisation": self.house.organisation, "keywords": meta.keywords,
                   "locale": self.house.language_tag(lang).replace("-", "_"),
                   "pdf": pdf["path"] if pdf else "",
                   "switcher": [{"lang": other, "name": language_name(other, other),
                                 "path": v.path, "current": other == lang}
                                for other, v in entry.versions.items()]}
        return Page(f"{version.path}index.html", "site/document.html.j2", context,
                    [version.web_page])

    def _alternates(self, entry: Entry) -> list[dict]:
        return [{"lang": other, "path": v.path} for other, v in entry.versions.items()]

    def _labels(self, lang: str) -> dict:
        return self.house.labels(lang)


def _text(identifier) -> str:
    return "" if identifier is None else str(identifier)


_BODY = re.compile(r"<body\b[^>]*?(?:\sclass=\"([^\"]*)\")?[^>]*>(.*)</body>", re.S)


def web_page_body(path: Path) -> tuple[str, str]:
    """The body of the HTML writer's web page and its class: the document's content, which
    the library's page frames (our writer's own output, so its shape is known)."""
    match = _BODY.search(path.read_text(encoding="utf-8"))
    if not match:
        raise ValueError(f"{path}: no <body> in the web page: rebuild it (briefing build)")
    return match[2].strip(), match[1] or ""


def downloads_of(version: Version, labels: dict) -> list[dict]:
    """The files of a version to download, named as the labels name their formats."""
    names = labels.get("formats", {})
    return [{"format": fmt, "name": names.get(fmt, fmt.upper()), "path": path.name}
            for fmt, path in version.files.items() if fmt != WEB_PAGE.name and fmt in FORMATS]
