import warnings

import pytest
from citeproc import CitationStylesStyle

from pipeline.house import style as houses
from pipeline.transforms.citations import load_bibliography
from pipeline.errors import SourceError
from pipeline.model import CiteItem, Emph, Foreign, Link, Location, Text

BIB = r"""@string{ai = {Amnesty International}}

@report{contributions,
  author = {{Amnesty International}},
  title = {Voluntary Contributions -- Where Is the {UN} Money?},
  year = 2024, month = mar,
  institution = ai,
  index = {IOR 40/8247/2024},
}

@article{smith,
  author = {Smith, John and Jos{\'e} de la Cruz},
  title = {On Remedies},
  journal = {Human Rights Quarterly},
  volume = {12}, pages = {3--14}, date = {2021-05-03}, langid = {english},
}

@jurisdiction{ocalan,
  title = {{\"O}calan v. Turkey}, authority = {ECtHR}, number = {46221/99}, date = {2005-05-12},
  language = {en-GB},
  url = {https://hudoc.echr.coe.int/eng?i=001-69022},
}
"""


HOUSE = houses.load("amnesty")
STYLE = HOUSE.citation_style


def cite(bib, items, lang="en"):
    return bib.format(items, lang, STYLE)


def plain(inlines):
    return "".join(node.text if isinstance(node, Text) else plain(node.children)
                   for node in inlines)


@pytest.fixture
def bib(tmp_path):
    path = tmp_path / "refs.bib"
    path.write_text(BIB, encoding="utf-8")
    return load_bibliography(path, HOUSE.identifiers)


def test_style_is_valid_for_citeproc():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        CitationStylesStyle(str(STYLE), validate=True)


def test_keys_and_locations(bib, tmp_path):
    assert bib.keys() == ["contributions", "smith", "ocalan"]
    assert bib.location("smith") == Location(tmp_path / "refs.bib", 11)


def test_report_with_index_links_to_amnesty_org(bib):
    inlines = cite(bib, [CiteItem("contributions")])
    url = "https://www.amnesty.org/en/documents/ior40/8247/2024/en/"
    assert Link(url, [Text(url)]) in inlines
    assert plain(inlines) == (
        "Amnesty International, ‘Voluntary Contributions – Where Is the UN Money?’ "
        f"(Amnesty International 2024) IOR 40/8247/2024 <{url}>.")


def test_locator_and_prefix(bib):
    text = plain(cite(bib, [CiteItem("contributions", "see", "p. 12")]))
    assert text.startswith("see Amnesty International, ")
    assert "IOR 40/8247/2024, p. 12 <" in text
    assert "IOR 40/8247/2024, paras 4–5 <" in plain(
        cite(bib, [CiteItem("contributions", locator="paras 4-5")]))
    assert "[45]" in plain(cite(bib, [CiteItem("ocalan", locator="para. 45")]))


def test_two_keys_joined_with_one_full_stop(bib):
    text = plain(cite(bib, [CiteItem("smith"), CiteItem("ocalan")]))
    assert text.startswith("John Smith and José de la Cruz, ‘On Remedies’")
    assert "Human Rights Quarterly 3; Öcalan v Turkey [2005] ECtHR 46221/99" in text
    assert text.endswith("i=001-69022>.") and not text.endswith("..")


def test_corporate_author_printed_as_is(bib):
    assert plain(cite(bib, [CiteItem("contributions")])).startswith("Amnesty International, ‘")


def test_journal_article_container_title_as_the_style_says(bib):
    inlines = cite(bib, [CiteItem("smith", locator="7")])
    # OSCOLA prints the journal in roman, after the volume; a case name is in italics.
    assert plain(inlines) == ("John Smith and José de la Cruz, ‘On Remedies’ "
                              "(2021) 12 Human Rights Quarterly 3, 7.")
    assert not any(isinstance(node, Emph) for node in inlines)
    assert cite(bib, [CiteItem("ocalan")])[0] == Emph([Text("Öcalan v Turkey")])


def test_other_language(bib):
    text = plain(cite(bib, [CiteItem("smith")], lang="fr"))
    assert text.startswith("John Smith et José de la Cruz, «\u00a0On Remedies\u00a0»")


def test_a_source_in_another_language_is_marked_as_such(bib):
    """A screen reader reads an English title in a French note with an English voice: the
    citation is a `Foreign` run in its sources' language (biblatex `langid`, or `language`);
    in their own language, or with sources in several languages, it is not marked."""
    (run,) = cite(bib, [CiteItem("smith")], lang="fr")
    assert isinstance(run, Foreign) and run.lang == "en"
    assert isinstance(cite(bib, [CiteItem("ocalan")], lang="ar")[0], Foreign)
    assert not any(isinstance(node, Foreign) for node in cite(bib, [CiteItem("smith")]))
    assert not any(isinstance(node, Foreign) for node in cite(bib, [CiteItem("ocalan")]))
    mixed = cite(bib, [CiteItem("smith"), CiteItem("contributions")], lang="fr")
    assert not any(isinstance(node, Foreign) for node in mixed)


def test_unknown_key(bib):
    with pytest.raises(KeyError):
        cite(bib, [CiteItem("nope")])


@pytest.mark.parametrize("text, line, message", [
    ("@misc{a, title = {x}}\n\n@report{b,\n  title = {Unbalanced,\n  year = 2020,\n}\n",
     3, "end of file"),
    ("@misc{a, title = {Oops}\n@misc{b, title = {x}}\n", 1, "Unexpected block start"),
    ("@misc{a, title = {x}}\n@misc{a, title = {y}}\n", 2, "duplicate entry key 'a'"),
    ("@misc{a,\n  title = {x},\n  date = {March 2020},\n}\n", 3, "cannot read the date"),
    ("@report{a,\n  index = {IOR 40-8247},\n}\n", 2, "not an AI index number"),
    ("@misc{a,\n  title = {x},\n  langid = {elvish},\n}\n", 3, "unknown language 'elvish'"),
])
def test_malformed_bib(tmp_path, text, line, message):
    path = tmp_path / "bad.bib"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SourceError) as caught:
        load_bibliography(path, HOUSE.identifiers)
    assert caught.value.location == Location(path, line)
    assert message in caught.value.message
