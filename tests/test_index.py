"""The AI index value type: every observed index read in every printed form and written back
exactly; the house's series and subjects."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

from pipeline.house.ai_index import AIIndex

OBSERVATIONS = Path(__file__).parent / "data" / "ai-index-observations.csv"
ROWS = list(csv.DictReader(OBSERVATIONS.open(encoding="utf-8")))


def test_the_observations_span_every_era():
    assert len(ROWS) == 89
    assert {row["num_digits"] for row in ROWS} == {"2", "3", "4"}


@pytest.mark.parametrize("row", ROWS, ids=[row["index"] for row in ROWS])
def test_every_observed_index_round_trips(row, house_style):
    url = house_style.identifiers.url
    expected = AIIndex(row["prefix"], int(row["subject"]), int(row["number"]), int(row["year"]))
    index = AIIndex.parse(row["index"])
    assert index == expected
    assert str(index) == row["index"]
    assert index.width == int(row["num_digits"])
    # Every other form it is printed in reads back to the same value.
    for form in (f"AI Index: {index}", f"Index : {index}", f"Índice AI {index}",
                 f"Index no.: {index}", index.compact, index.compact.lower(),
                 f"{index.file_stem('en')}.PDF", f"downloads/{index.file_stem('fr')}.pdf",
                 url(index), url(index, "es", site="fr")):
        assert AIIndex.parse(form) == expected, form
    assert AIIndex.parse(str(index), exact=True) == AIIndex.parse(index.compact, exact=True)


@pytest.mark.parametrize("text, strict", [
    ("AI Index: IOR 53/8787/2024", "IOR 53/8787/2024"),
    ("Index : IOR 53/8787/2024", "IOR 53/8787/2024"),
    ("Índice AI: ORG 20/001/2002/s", "ORG 20/001/2002"),
    ("Índice: POL 10/5670/2023", "POL 10/5670/2023"),
    ("Index no.: IOR 40/4479/2021", "IOR 40/4479/2021"),
    ("INDEX NUMBER: AMR 37/6674/2017", "AMR 37/6674/2017"),
    ("EUR 39/02/2014", "EUR 39/002/2014"),  # a printed typo: emitted strictly
    ("ior 53 / 8787 / 2024", "IOR 53/8787/2024"),
    ("IOR 40/27/2019", "IOR 40/0027/2019"),
    ("IOR5387872024ENGLISH.PDF", "IOR 53/8787/2024"),
    ("ior530192012en.pdf", "IOR 53/019/2012"),
    ("ENGMDE120182006", "MDE 12/018/2006"),
    ("https://www.amnesty.org/en/documents/ior53/8787/2024/en/", "IOR 53/8787/2024"),
    ("https://www.amnesty.org/fr/documents/IOR53/005/2011/fr/", "IOR 53/005/2011"),
    ("amnesty.org/en/library/asset/POL10/001/2005/en/x/pol100012005en.html", "POL 10/001/2005"),
])
def test_lenient_reading_strict_writing(text, strict):
    assert str(AIIndex.parse(text)) == strict


@pytest.mark.parametrize("text", [
    "IOR-fifty-three", "IOR 40-8247", "IOR 53/12345/2024", "53/8787/2024",
    "IOR 53/1234/2011",  # four digits before the four-digit era
    "IOR 53/8787/1850",
])
def test_not_an_index(text):
    with pytest.raises(ValueError, match="not an AI index number"):
        AIIndex.parse(text)


def test_exact_reading_takes_nothing_but_an_index():
    assert AIIndex.parse("IOR 40/8247/2024", exact=True) == AIIndex("IOR", 40, 8247, 2024)
    for text in ("see IOR 40/8247/2024", "IOR4082472024ENGLISH", "smith2020"):
        with pytest.raises(ValueError):
            AIIndex.parse(text, exact=True)


def test_renderings_of_one_value(house_style):
    url = house_style.identifiers.url
    index = AIIndex.parse("AI Index: IOR 53/0412/2025")
    assert index.compact == "IOR5304122025"
    assert [index.file_stem(lang) for lang in ("en", "fr", "es", "ar")] == [
        "IOR5304122025ENGLISH", "IOR5304122025FRENCH", "IOR5304122025SPANISH",
        "IOR5304122025ARABIC"]
    assert url(index) == "https://www.amnesty.org/en/documents/ior53/0412/2025/en/"
    assert url(index, "fr") == "https://www.amnesty.org/en/documents/ior53/0412/2025/fr/"
    old = AIIndex.parse("ORG 10/04/93")
    assert (str(old), old.compact, url(old)) == (
        "ORG 10/04/93", "ORG10041993", "https://www.amnesty.org/en/documents/org10/04/1993/en/")


def test_house_series_and_subjects(house_style):
    scheme = house_style.identifiers
    assert scheme.check(AIIndex.parse("IOR 53/8787/2024")) is None
    assert "IOR 99 is not among the known subjects" in scheme.check(AIIndex("IOR", 99, 1, 2024))
    with pytest.raises(ValueError, match="unknown AI index series 'XYZ'"):
        scheme.check(AIIndex("XYZ", 53, 1, 2024))
    # A reused code has the name of its time.
    assert scheme.subject_name(AIIndex.parse("IOR 40/010/1998")) == "International Criminal Court"
    assert "Human Rights Council" in scheme.subject_name(AIIndex.parse("IOR 40/4479/2021"))
