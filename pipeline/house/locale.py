"""A language's locale facts from CLDR (through Babel) and the house's labels: its
direction, English name, digits and long dates.

Importing Babel and loading one locale's data takes about 50 ms, more than the rest of a
web page's build once its templates and fonts are cached; so the few facts a build takes
from CLDR are kept in the build's cache (`store`) by Babel's version, and a build that
finds them there never imports Babel.
"""
from __future__ import annotations

import json
import re
from datetime import date
from typing import TYPE_CHECKING, Callable

from .. import store

if TYPE_CHECKING:
    from babel import Locale

_ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def locale(lang: str) -> Locale:
    """The CLDR locale of a language code as sources name it: `fr`, `pt-BR`."""
    from babel import Locale

    return Locale.parse(lang, sep="-")


def _from_cldr(question: str, compute: Callable[[], str]) -> str:
    """The answer to `question` (every input named in it), from the build's cache or
    `compute()`, kept."""
    key = f"cldr {question} {store.library_key('babel')}"
    return json.loads(store.cached(key, lambda: json.dumps(compute()).encode()))


def language_code(name: str) -> str:
    """The language code of `name`, a code (`fr`, `pt-BR`) or a biblatex `langid` in English
    (`french`, `brazilian`): raises ValueError for neither."""
    from babel import Locale, UnknownLocaleError

    try:
        locale(name)
        return name
    except (ValueError, UnknownLocaleError):
        pass
    codes = {english.lower(): code for code, english in Locale("en").languages.items()}
    codes |= _LANGIDS
    if name.strip().lower() not in codes:
        raise ValueError(f"unknown language '{name}'")
    return codes[name.strip().lower()].replace("_", "-")


def direction(lang: str) -> str:
    """`rtl` or `ltr`, from CLDR."""
    return _from_cldr(f"direction {lang}", lambda: "rtl" if locale(lang).character_order
                      == "right-to-left" else "ltr")


def english_name(lang: str) -> str:
    """The language's name in English, without its region: `French` for `fr-CA`."""
    return _from_cldr(f"English name {lang}",
                      lambda: locale(lang).get_display_name("en").split(" (")[0])


_LANGIDS = {"american": "en-US", "british": "en-GB", "brazilian": "pt-BR", "ngerman": "de",
            "austrian": "de-AT", "naustrian": "de-AT", "swissgerman": "de-CH",
            "nswissgerman": "de-CH", "canadien": "fr-CA", "acadian": "fr-CA"}  # biblatex's own


def digits(text: str, labels: dict) -> str:
    """`text` with its digits in the language's digit set (setting `digits`)."""
    return text.translate(_ARABIC_INDIC) if labels.get("digits") == "arab" else text


def long_date(day: date, lang: str, labels: dict) -> str:
    """`27 novembre 2024`: the language's `date_format`, month names and digits."""
    pattern = labels["date_format"]
    months = labels.get("months")
    if months:  # CLDR has one set of names per locale; a house may prefer another
        pattern = pattern.replace("MMMM", "'{}'".format(months[day.month - 1]))

    def formatted() -> str:
        from babel.dates import format_date

        return format_date(day, pattern, locale=locale(lang))

    return digits(_from_cldr(f"date {day.isoformat()} {lang} {pattern!r}", formatted), labels)


def display_parts(text: str, labels: dict, widow: bool = False) -> list[tuple[str, bool]]:
    """`text` for a display line (the masthead) as (piece, is ordinal suffix) pairs: the
    language's ordinal suffixes (setting `ordinals`, a regular expression) apart, so that
    they are not set in capitals ("23rd", not "23RD"); with `widow`, the last two words of
    a text of more than three are joined by a no-break space, so no line holds one word."""
    if widow and len(text.split()) > 3:
        head, _, last = text.rstrip().rpartition(" ")
        text = f"{head}\u00a0{last}"
    pattern = labels.get("ordinals")
    if not pattern:
        return [(text, False)]
    parts, start = [], 0
    for match in re.finditer(pattern, text):
        parts += [(text[start:match.start()], False), (match.group(), True)]
        start = match.end()
    return [part for part in parts + [(text[start:], False)] if part[0]]
