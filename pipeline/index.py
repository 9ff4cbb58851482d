"""The AI index number (Amnesty International's document index), e.g. `IOR 53/8787/2024`.

One value type parses every era and printed form leniently and emits strictly; every other
rendering (footer label, file name, web address, metadata) is derived from it. Hand-written:
the format is organisation-specific and no library knows it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from babel import Locale

_LENIENT = re.compile(
    r"""(?ix)
    (?:^|[^a-z])                      # not glued to a preceding word
    (?P<series>[a-z]{3}) \s*
    (?P<subject>\d{2}) \s* [/ ]? \s*
    (?P<number>\d{2,4}) \s* / \s*
    (?P<year>\d{4}|\d{2})
    (?:$|[^0-9])
    """
)
_COMPACT = re.compile(r"(?i)^(?P<series>[a-z]{3})(?P<subject>\d{2})(?P<number>\d{3,4})(?P<year>\d{4})")
_URL = re.compile(r"(?i)/documents/(?P<series>[a-z]{3})(?P<subject>\d{2})/(?P<number>\d{2,4})/(?P<year>\d{4})/")


@dataclass(frozen=True, order=True)
class AIIndex:
    series: str
    subject: int
    number: int
    year: int

    @classmethod
    def parse(cls, text: str) -> "AIIndex":
        """Read an index from any printed form, file name or web address; ValueError if none."""
        text = str(text).strip()
        match = _URL.search(text) or _COMPACT.match(text) or _LENIENT.search(text)
        if not match:
            raise ValueError(f"not an AI index number: {text!r} (expected e.g. 'IOR 53/8787/2024')")
        year = int(match["year"])
        if len(match["year"]) == 2:
            year += 1900 if year >= 50 else 2000
        return cls(match["series"].upper(), int(match["subject"]), int(match["number"]), year)

    @property
    def width(self) -> int:
        """Digits of the serial number in this index's era."""
        if self.year < 1995:
            return 2
        return 3 if self.year < 2015 or (self.year == 2015 and self.number < 1000) else 4

    def __str__(self) -> str:
        year = f"{self.year % 100:02d}" if self.width == 2 else str(self.year)
        return f"{self.series} {self.subject:02d}/{self.number:0{self.width}d}/{year}"

    @property
    def compact(self) -> str:
        """The form used in file names: `IOR5387872024`."""
        return f"{self.series}{self.subject:02d}{self.number:0{self.width}d}{self.year}"

    def file_stem(self, lang: str) -> str:
        """`IOR5387872024ENGLISH`: compact index and the language's English name in capitals."""
        return self.compact + Locale.parse(lang).get_display_name("en").split(" (")[0].upper()

    def url(self, lang: str = "en") -> str:
        """The document's page on amnesty.org in language `lang`."""
        return (f"https://www.amnesty.org/en/documents/{self.series.lower()}{self.subject:02d}/"
                f"{self.number:0{self.width}d}/{self.year}/{lang}/")
