"""A language's locale facts from CLDR (through Babel) and the house's labels: its
direction, digits and long dates."""
from __future__ import annotations

from datetime import date

from babel import Locale
from babel.dates import format_date

_ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def locale(lang: str) -> Locale:
    """The CLDR locale of a language code as sources name it: `fr`, `pt-BR`."""
    return Locale.parse(lang, sep="-")


def direction(lang: str) -> str:
    """`rtl` or `ltr`, from CLDR."""
    return "rtl" if locale(lang).character_order == "right-to-left" else "ltr"


def digits(text: str, labels: dict) -> str:
    """`text` with its digits in the language's digit set (setting `digits`)."""
    return text.translate(_ARABIC_INDIC) if labels.get("digits") == "arab" else text


def long_date(day: date, lang: str, labels: dict) -> str:
    """`27 novembre 2024`: the language's `date_format`, month names and digits."""
    pattern = labels["date_format"]
    months = labels.get("months")
    if months:  # CLDR has one set of names per locale; a house may prefer another
        pattern = pattern.replace("MMMM", "'{}'".format(months[day.month - 1]))
    return digits(format_date(day, pattern, locale=locale(lang)), labels)
