"""A house style: a folder holding design tokens, templates, CSS, fonts, labels, units and the
document identifier scheme. Styles shipped with briefing are the package data
`pipeline.styles` (the repository's `styles/`); a project may use a folder of its own.
"""
from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from markupsafe import Markup, escape

from .. import styles
from ..files import trusted_yaml
from ..errors import LayoutError, warn
from . import identifiers, locale

if TYPE_CHECKING:
    import jinja2

SHIPPED = Path(styles.__file__).resolve().parent
DEFAULT = "amnesty"


class HouseStyle:
    def __init__(self, root: Path):
        self.root = root.resolve()
        settings = trusted_yaml(self.root / "house.yaml")
        self.organisation: str = settings["organisation"]
        self.units: dict = settings.get("units", {})
        self.identifier_settings: dict = settings.get("identifier") or {}
        self.identifiers = identifiers.load(self.identifier_settings, self.root)
        self.site: dict = settings.get("site") or {}  # the document library's settings
        self._labels: dict = trusted_yaml(self.root / "labels.yaml")
        self.tokens: dict = trusted_yaml(self.root / "tokens.yaml")
        self._warned: dict[str, set] = {}

    def labels(self, lang: str) -> dict:
        """The labels and settings for `lang`; a missing label is English, with a warning."""
        own = self._labels.get(lang, {})
        missing = sorted(set(self._labels["en"]) - set(own) - self._warned.get(lang, set()))
        if missing and lang != "en":
            self._warned.setdefault(lang, set()).update(missing)
            warn(self.root / "labels.yaml", f"no '{lang}' label for {', '.join(missing)}: "
                 "using the English")
        return {**self._labels["en"], **own}

    @property
    def languages(self) -> list[str]:
        """The languages the labels give, in their order (the first is the default)."""
        return list(self._labels)

    def language_tag(self, lang: str) -> str:
        """The BCP 47 tag that Word's proofing tools get for `lang` (`en` -> `en-GB`)."""
        return self._labels.get(lang, {}).get("language_tag", lang)

    @cached_property
    def templates(self) -> jinja2.Environment:
        import jinja2  # here: an up-to-date rebuild loads the house style but renders nothing

        env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(self.root / "templates"),
            autoescape=True, undefined=jinja2.StrictUndefined,
            trim_blocks=True, lstrip_blocks=True,
        )
        env.filters["kind"] = lambda node: type(node).__name__
        env.filters["long_date"] = lambda day, lang: locale.long_date(day, lang, self.labels(lang))
        env.filters["direction"] = locale.direction
        env.filters["digits"] = lambda number, lang: locale.digits(str(number), self.labels(lang))
        env.filters["display"] = self._display
        return env

    def _display(self, text: str, lang: str, widow: bool = False) -> Markup:
        """A masthead line: ordinal suffixes in `<span class="ordinal">`, no lone last word
        with `widow` (`locale.display_parts`)."""
        return Markup("").join(Markup('<span class="ordinal">{}</span>').format(piece)
                               if ordinal else escape(piece)
                               for piece, ordinal in locale.display_parts(
                                   text, self.labels(lang), widow))

    def token_css(self, font_url=None, edition: str = "screen") -> str:
        """The tokens as CSS (@font-face rules, custom properties, page box); `font_url` maps a
        font file name to its URL (default: the file in the house style's fonts/ folder). The
        "print" `edition` has the printer's colours, profile, bleed and marks (`print` in
        tokens.yaml: a LayoutError if the house has none)."""
        font_url = font_url or (lambda name: (self.root / "fonts" / name).as_uri())
        profile_url = None
        if edition == "print":
            if "print" not in self.tokens:
                raise LayoutError(f"{self.root / 'tokens.yaml'}: no 'print' section: the house "
                                  "style has no print edition")
            profile_url = (self.root / self.tokens["print"]["profile"]).as_uri()
        return self.templates.get_template("tokens.css.j2").render(
            tokens=self.tokens, font_url=font_url, edition=edition, profile_url=profile_url)

    @property
    def citation_style(self) -> Path:
        return self.root / "citation.csl"


def shipped() -> list[str]:
    """The names of the house styles shipped with briefing."""
    return sorted(path.parent.name for path in SHIPPED.glob("*/house.yaml"))


def locate(style: str = DEFAULT, base: Path | None = None) -> Path:
    """The folder of the house style `style`: a folder (relative to `base`) holding a
    `house.yaml`, else the shipped style of that name. ValueError if neither."""
    own = (base or Path.cwd()) / style
    if (own / "house.yaml").is_file():
        return own.resolve()
    if "/" not in style and (SHIPPED / style / "house.yaml").is_file():
        return SHIPPED / style
    raise ValueError(f"no house style '{style}': neither a folder with a house.yaml nor a "
                     f"style shipped with briefing ({', '.join(shipped())})")


def load(style: str = DEFAULT, base: Path | None = None) -> HouseStyle:
    return HouseStyle(locate(style, base))
