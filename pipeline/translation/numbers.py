"""The numbers of a translation against its original's, in digits or in words.

Translations write numbers differently: "12 states" becomes "douze États", "the 5th session"
"الدورة الخامسة", "the Fourth Review Conference" "la 4e Conférence de révision". Numbers in
digits are compared with Arabic-Indic digits and separators normalised; a digit form (5th,
4e, 5.º) is its number. A number in digits on one side that the other lacks is then looked
for there in words: num2words writes it, cardinal and ordinal, in that side's language. It
writes but cannot read numbers, and its forms and a text's meet only once both are
normalised: case, accents, hyphens, feminine forms, and in Arabic the article, the joined
conjunction و, letter variants and gender and case endings ("الثالثة والعشرين" for num2words'
"ثلاث و عشرون"). No library does that for these languages, so it is written here.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import cache

from num2words import num2words

_NUMBER = re.compile(r"\d+(?:[.,\u00a0\u202f\u066b\u066c]\d+)*")
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")

# Feminine forms num2words does not give, from its masculine ones (a form that is no word
# matches nothing). Arabic genders meet in `_normal` instead.
_FEMININE = {
    "fr": [(r"\bun\b", "une"), (r"premier", "première")],
    "es": [(r"o\b", "a"), (r"uno\b", "un"), (r"(prim|terc)ero\b", r"\1er")],
}
# Arabic, before letter variants are folded (the article is a plain alif and lam; أ is not,
# nor is the ئ of مائة).
_ARABIC_WORDS = [
    (r"[\u064b-\u065f\u0670\u0640]", ""),     # short vowels and tatweel
    (r"(?<!\w)و\s+(?=\w)", "و"),              # "و عشرون": the conjunction joins its word
    (r"(?<!\w)(و?)ال(?=\w\w)", r"\1"),        # the article: الخامسة, والعشرين
    (r"مائ", "مئ"),                            # مائة/مئة
]
# Arabic, after أ إ آ are folded to ا: genders and cases of number words meet.
_ARABIC_ENDINGS = [
    (r"(?<=\w\w)[ةهى](?!\w)", ""),            # خامسة/خامس, عشرة/عشر, أولى/أول, إحدى/أحد
    (r"اثنت", "اثن"),                          # اثنتان/اثنان, اثنتا/اثنا
    (r"(?<!\w)اثني(?!\w)", "اثنا"),            # اثني عشر/اثنا عشر
    (r"(?<=\w\w)[يا]ن(?!\w)", "ون"),           # عشرين/عشرون, اثنين/اثنان
]


def _in_digits(text: str) -> list[tuple[str, str]]:
    """Each number written in digits in `text`: its digits only (what numbers are compared
    by), and as written (in Latin digits)."""
    return [(re.sub(r"\D", "", n), n) for n in _NUMBER.findall(text.translate(_DIGITS))]


def differences(original: str, original_lang: str, translation: str,
                lang: str) -> tuple[list[str], list[str]]:
    """The numbers of `original` that `translation` lacks and those it adds, as written: a
    number in digits on one side matches the same number in words on the other."""
    ours, theirs = _in_digits(original), _in_digits(translation)
    shown = dict(theirs + ours)
    lost = Counter(k for k, _ in ours) - Counter(k for k, _ in theirs)
    extra = Counter(k for k, _ in theirs) - Counter(k for k, _ in ours)
    lost -= _in_words(lost, translation, lang)
    extra -= _in_words(extra, original, original_lang)
    return ([shown[k] for k in sorted(lost.elements(), key=int)],
            [shown[k] for k in sorted(extra.elements(), key=int)])


def _in_words(wanted: Counter, text: str, lang: str) -> Counter:
    """How often `text` writes each number of `wanted` in words, up to the count wanted;
    longer forms are matched first, each occurrence once ("vingt et un" is not also "un")."""
    found: Counter = Counter()
    if not wanted:
        return found
    words = f" {_normal(text)} "
    forms = sorted(((form, key) for key in wanted for form in _forms(int(key), lang)),
                   key=lambda pair: -len(pair[0]))
    for form, key in forms:
        while found[key] < wanted[key] and f" {form} " in words:
            words = words.replace(f" {form} ", " | ", 1)
            found[key] += 1
    return found


@cache
def _forms(number: int, lang: str) -> frozenset[str]:
    """`number` in words in `lang`, normalised: cardinal and ordinal, both genders."""
    written = set()
    for to in ("cardinal", "ordinal"):
        try:
            written.add(num2words(number, lang=lang, to=to))
        except (NotImplementedError, OverflowError):
            pass
    base = lang.split("-")[0]
    if base == "ar" and 20 < number < 100 and number % 10:
        # num2words gives these ordinals as cardinals: الحادي والعشرون from حادي عشر
        unit = num2words(10 + number % 10, lang="ar", to="ordinal").split()[0]
        written.add(f"{unit} و {num2words(number - number % 10, lang='ar')}")
    written |= {re.sub(pattern, new, form) for form in written
                for pattern, new in _FEMININE.get(base, [])}
    return frozenset(_normal(form) for form in written)


def _normal(text: str) -> str:
    """`text` as lowercase words without accents, one space apart, Arabic normalised."""
    for pattern, new in _ARABIC_WORDS:
        text = re.sub(pattern, new, text)
    text = "".join(c for c in unicodedata.normalize("NFD", text.lower())
                   if not unicodedata.combining(c))
    for pattern, new in _ARABIC_ENDINGS:
        text = re.sub(pattern, new, text)
    return " ".join(re.findall(r"\w+", text))
