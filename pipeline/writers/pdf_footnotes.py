"""Keep every footnote body on the page of its call, and check that it is.

WeasyPrint 70.0 (``layout/block.py::_linebox_layout``), when a paragraph line overflows the
page and orphans/widows forbid breaking before it, moves ("reports") the page's last
footnote to the next page to squeeze the line in (upstream PR #2437 / issue #2432, related
#1564). The call stays on this page, so the body lands a page (or more) after its call:
trap 3 in the team notes on WeasyPrint (shared/notes/weasyprint.md). Our rule is that every footnote body starts on
the page of its call, and WeasyPrint has no option for this, so `apply()` patches that one
line at run time: the paragraph then breaks as orphans/widows allow, and a footnote that no
longer fits goes to the next page with its call's line (``footnote-policy: line`` on the
footnote elements).

WeasyPrint 70.0 (``layout/__init__.py::LayoutContext._update_footnote_area``) also decides
whether the footnote area overflows with a bare ``>`` between two float sums that differ
only by rounding (trap 1 in the notes): a footnote that fits is then taken for one that does
not, and with ``footnote-policy: line`` its call's line and everything after it move to the
next page, leaving most of a page empty (the French and Arabic samples lost 180 mm on page
3). The patch makes that comparison the one WeasyPrint uses everywhere else, `overflows`,
with its 1e-9 tolerance.

The patches are hand-written, not a fork, to stay checked lines: each refuses to run unless
the pinned version and the exact upstream line are present.

`misplaced_footnotes()` verifies the result on a rendered document, whatever the layout did.
"""
from __future__ import annotations

import inspect
import re
import textwrap

import weasyprint
from weasyprint import layout
from weasyprint.formatting_structure.boxes import FootnoteAreaBox
from weasyprint.layout import block

PINNED_VERSION = "70.0"
REPORT_LINE = (
    "report = not context.in_column and can_break_now and not could_break_before")
OVERFLOW_LINE = "overflow = last_child_bottom > footnote_area_bottom"
_PATCHED_MARK = "_pipeline_footnote_patched"
_FOOTNOTE_ID = re.compile(r"fn-(\d+)")


def apply() -> None:
    """Disable footnote reporting in `_linebox_layout` and give the footnote area's overflow
    test WeasyPrint's own tolerance; idempotent, process-wide."""
    if weasyprint.__version__ != PINNED_VERSION:
        raise RuntimeError(
            f"pdf_footnotes patches WeasyPrint {PINNED_VERSION}, found "
            f"{weasyprint.__version__}: the pin changed, re-check traps 1 and 3 and this patch")
    # `_linebox_layout`'s only caller, block.block_container_layout, looks it up as a module
    # global, and nothing imports it by name, so replacing the module attribute reaches
    # every call; the footnote area is updated through the LayoutContext method.
    block._linebox_layout = _patched(
        block._linebox_layout, vars(block), REPORT_LINE,
        "report = False  # patched by pipeline.writers.pdf_footnotes")
    layout.LayoutContext._update_footnote_area = _patched(
        layout.LayoutContext._update_footnote_area, vars(layout), OVERFLOW_LINE,
        "overflow = self.overflows(footnote_area_bottom, last_child_bottom)  # patched")


def _patched(original, module_globals: dict, line: str, replacement: str):
    """`original` with its one `line` replaced, compiled in its module's globals."""
    if getattr(original, _PATCHED_MARK, False):
        return original
    source = inspect.getsource(original)
    if source.count(line) != 1:
        raise RuntimeError(f"{original.__qualname__} no longer contains the line {line!r} "
                           "exactly once: upstream changed, re-check this patch")
    body = textwrap.dedent(source).replace(line, replacement)
    # Pad with newlines so tracebacks keep pointing at the right lines of WeasyPrint's file.
    padded = "\n" * (original.__code__.co_firstlineno - 1) + body
    namespace: dict = {}
    exec(compile(padded, original.__code__.co_filename, "exec"), module_globals, namespace)
    patched = namespace[original.__name__]
    setattr(patched, _PATCHED_MARK, True)
    return patched


def misplaced_footnotes(document: weasyprint.Document) -> list[tuple[int, int, int]]:
    """Return (number, call_page, body_page) for each footnote whose body does not start on
    its call's page; pages are 1-based, None stands for a missing call or body.

    Footnotes are ``<span class="footnote" id="fn-N">``; the call is WeasyPrint's
    ``::footnote-call`` box (its element is the footnote), the body is in the page's
    `FootnoteAreaBox`.
    """
    call_pages, body_pages = {}, {}
    for page_number, page in enumerate(document.pages, start=1):
        for area in page._page_box.children:
            is_footnote_area = isinstance(area, FootnoteAreaBox)
            for box in area.descendants():
                if (number := _number(box.element)) is None:
                    continue
                if is_footnote_area:
                    body_pages.setdefault(number, page_number)
                elif (box.element_tag or "").endswith("::footnote-call"):
                    call_pages.setdefault(number, page_number)
    return [
        (number, call_pages.get(number), body_pages.get(number))
        for number in sorted(call_pages.keys() | body_pages.keys())
        if call_pages.get(number) != body_pages.get(number)]


def _number(element) -> int | None:
    """Footnote number from an element's ``fn-N`` id, else None."""
    match = element is not None and _FOOTNOTE_ID.fullmatch(element.get("id") or "")
    return int(match.group(1)) if match else None
