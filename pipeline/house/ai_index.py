"""The AI index number (Amnesty International's document index), e.g. `IOR 53/8787/2024`.

One value type parses every era and printed form leniently and emits strictly; every other
rendering (footer label, file name, web address, metadata) is derived from it, and
`IndexScheme` checks it against the series and subjects the house style lists. Hand-written:
the format is organisation-specific and no library knows it.

Eras: two-digit serials and years until the mid-1990s (`ORG 10/04/93`), three-digit serials
restarting each year until early 2015 (`IOR 53/005/2011`), then four digits from one
organisation-wide counter (`IOR 53/8787/2024`).
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from pathlib import Path

from ..files import trusted_yaml
from .locale import english_name

_PRINTED = r"""
    (?P<series>[a-z]{3}) \s*
    (?P<subject>\d{2}) \s* [/ ]? \s*
    (?P<number>\d{2,4}) \s* / \s*
    (?P<year>\d{4}|\d{2})"""
_COMPACT = r"(?P<series>[a-z]{3})(?P<subject>\d{2})(?P<number>\d{2,4})(?P<year>\d{4})"
# Anywhere in a line of text, a file name or a web address.
_FORMS = [
    re.compile(r"(?i)/documents/(?P<series>[a-z]{3})(?P<subject>\d{2})/(?P<number>\d{2,4})/"
               r"(?P<year>\d{4})(?:/|$)"),
    re.compile(rf"(?ix) (?:^|[^a-z]) {_PRINTED} (?![0-9])"),
    # `IOR5387872024ENGLISH.PDF`, `ior530192012en.pdf`, `ENGMDE120182006`
    re.compile(rf"(?i)(?:^|[^a-z0-9])(?:[a-z]{{3}})?{_COMPACT}(?![0-9])"),
]
# The whole text, nothing else: for citation keys.
_EXACT = [re.compile(rf"(?ix) ^{_PRINTED}$"), re.compile(rf"(?i)^{_COMPACT}$")]

FIRST_YEAR = 1961  # the organisation's founding
LAST_TWO_DIGIT_YEAR = 1994  # serials and years printed with two digits until then
FOUR_DIGIT_ERA = 2015  # the organisation-wide four-digit counter, from about April 2015
COUNTER_SIZE = 10_000  # four digits: the counter wraps 9999 -> 0000


@dataclass(frozen=True, order=True)
class AIIndex:
    series: str
    subject: int
    number: int
    year: int

    def __post_init__(self):
        if not re.fullmatch(r"[A-Z]{3}", self.series):
            raise ValueError(f"series {self.series!r} is not three capital letters")
        if not 0 <= self.subject <= 99:
            raise ValueError(f"subject {self.subject} is not two digits")
        if not FIRST_YEAR <= self.year <= 2200:
            raise ValueError(f"year {self.year} is not a publication year")
        if not 0 <= self.number < 10 ** self.width:
            raise ValueError(f"number {self.number} does not fit the {self.width} digits "
                             f"of the year {self.year}")

    @classmethod
    def parse(cls, text: str, exact: bool = False) -> "AIIndex":
        """Read an index from any printed or labelled form (`AI Index: IOR 53/8787/2024`),
        compact form, file name or web address; with `exact`, the text must be an index and
        nothing else (printed or compact form). ValueError if there is none."""
        text = str(text).strip()
        forms = _EXACT if exact else _FORMS
        match = next(filter(None, (form.search(text) for form in forms)), None)
        if not match:
            raise ValueError(f"not an AI index number: {text!r} (expected e.g. 'IOR 53/8787/2024')")
        year = int(match["year"])
        if len(match["year"]) == 2:
            year += 1900 if year >= 50 else 2000
        try:
            return cls(match["series"].upper(), int(match["subject"]), int(match["number"]), year)
        except ValueError as err:
            raise ValueError(f"not an AI index number: {text!r}: {err}") from None

    @property
    def width(self) -> int:
        """Digits of the serial number in this index's era."""
        if self.year <= LAST_TWO_DIGIT_YEAR:
            return 2
        if self.year < FOUR_DIGIT_ERA or (self.year == FOUR_DIGIT_ERA and self.number < 1000):
            return 3
        return 4

    @property
    def serial(self) -> str:
        """The number, zero-padded to the width of its era: `8787`, `005`, `04`."""
        return f"{self.number:0{self.width}d}"

    def __str__(self) -> str:
        year = f"{self.year % 100:02d}" if self.width == 2 else str(self.year)
        return f"{self.series} {self.subject:02d}/{self.serial}/{year}"

    @property
    def compact(self) -> str:
        """The form used in file names: `IOR5387872024`."""
        return f"{self.series}{self.subject:02d}{self.serial}{self.year}"

    def file_stem(self, lang: str) -> str:
        """`IOR5387872024ENGLISH`: compact index and the language's English name in capitals."""
        return self.compact + english_name(lang).upper()


class IndexScheme:
    """AI index numbers as a house's document identifiers (`identifiers.Scheme`): the series
    (each named in English, or per language) and known subjects of the house style (its
    `index.yaml`), and the address pattern of a document's page (`url`, with the fields
    `site`, `series`, `subject`, `serial`, `year`, `lang` and `slug`)."""

    name = "ai-index"
    noun = "AI index"
    required = True
    registered = True

    def __init__(self, path: Path, url: str | None = None):
        data = trusted_yaml(path)
        self.path = path
        self.url_pattern = url
        self._series_names: dict[str, dict[str, str]] = {
            code: names if isinstance(names, dict) else {"en": names}
            for code, names in data["series"].items()}
        self.series: dict[str, str] = {code: names.get("en") or next(iter(names.values()))
                                       for code, names in self._series_names.items()}
        self._subjects: dict[str, dict[int, list[tuple[int, str]]]] = {
            series: {int(code): _names_by_year(names) for code, names in codes.items()}
            for series, codes in (data.get("subjects") or {}).items()}

    def parse(self, text: str) -> AIIndex:
        return AIIndex.parse(text)

    def parse_key(self, key: str) -> AIIndex | None:
        try:
            return AIIndex.parse(key, exact=True)
        except ValueError:
            return None

    def year(self, index: AIIndex) -> int:
        return index.year

    def file_stem(self, index: AIIndex, slug: str, lang: str) -> str:
        return index.file_stem(lang)

    def url(self, index: AIIndex, lang: str = "en", site: str = "en",
            slug: str = "") -> str | None:
        """The page of the document in language `lang`, on the `site` edition."""
        if not self.url_pattern:
            return None
        return self.url_pattern.format(site=site, series=index.series.lower(),
                                       subject=f"{index.subject:02d}", serial=index.serial,
                                       year=index.year, lang=lang, slug=slug)

    def series_of(self, index: AIIndex) -> str:
        return index.series

    def series_name(self, series: str, lang: str) -> str:
        """The series' name in `lang` (else in English): `Africa`, `Afrique`."""
        names = self._series_names.get(series, {})
        return names.get(lang) or self.series.get(series, series)

    def check(self, index: AIIndex) -> str | None:
        """A warning for an unknown subject; ValueError for an unknown series."""
        self.check_series(index.series)
        if self.subject_name(index) is None:
            return (f"subject {index.series} {index.subject:02d} is not among the known "
                    f"subjects (add it to {self.path})")
        return None

    def check_series(self, series: str) -> None:
        if series not in self.series:
            raise ValueError(f"unknown AI index series '{series}'; known series: "
                             f"{', '.join(self.series)}")

    def subject_name(self, index: AIIndex) -> str | None:
        """The subject's name in the index's year (codes get reused), or None if unknown."""
        names = self._subjects.get(index.series, {}).get(index.subject)
        if not names:
            return None
        years = [since for since, _ in names]
        return names[max(bisect.bisect_right(years, index.year) - 1, 0)][1]


def _names_by_year(names) -> list[tuple[int, str]]:
    """`Name`, or `{since-year: name}` for a code whose meaning changed."""
    if isinstance(names, str):
        return [(FIRST_YEAR, names)]
    return sorted((int(year), name) for year, name in names.items())
