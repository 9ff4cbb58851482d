"""From Word's flat sequence to the model's nesting: paragraphs into boxes, quotes and nested
lists; runs, each with its marks (emphasis, strong, code, link), into nested inlines."""
from __future__ import annotations

from .. import model as m


# Blocks --------------------------------------------------------------------------------

def group(items: list[tuple[str, object]]) -> list[m.Block]:
    """Consecutive box paragraphs into a Box (with the list paragraphs boxed too, or a list
    between two box paragraphs; a box title starts another box), quote paragraphs into a
    BlockQuote, list paragraphs into nested lists."""
    blocks: list[m.Block] = []
    n = 0
    while n < len(items):
        kind, payload = items[n]
        end = n + 1  # after the items this block takes
        if kind.startswith("box"):
            while end < len(items):
                if items[end][0].startswith("box") and not isinstance(items[end][1], m.Heading):
                    end += 1
                elif items[end][0] in ("item", "more") and _list_end(items, end) < len(items) \
                        and items[_list_end(items, end)][0] == "box":
                    end = _list_end(items, end)
                else:
                    break
            blocks.append(m.Box(group([({"box": "block", "box item": "item",
                                          "box more": "more"}.get(k, k), v)
                                        for k, v in items[n:end]])))
        elif kind == "quote":
            while end < len(items) and items[end][0] == "quote":
                end += 1
            blocks.append(m.BlockQuote([v for _, v in items[n:end]]))
        elif kind in ("item", "more"):
            end = _list_end(items, n)
            blocks += _lists(items[n:end])
        else:
            blocks.append(payload)
        n = end
    return blocks


def _list_end(items, n: int) -> int:
    """The index after the list paragraphs starting at `n`."""
    while n < len(items) and items[n][0] in ("item", "more"):
        n += 1
    return n


def _lists(items) -> list[m.Block]:
    """Nested lists from items (ordered, level, list, start, paragraph), their depth the
    rank of their level among the items', and later paragraphs of an item (indent,
    paragraph), which go to the deepest item open at or left of their indent."""
    levels = sorted({payload[1] for kind, payload in items if kind == "item"})
    result: list[m.Block] = []
    stack: list[tuple] = []  # (depth, list, its numbering, indent)
    for kind, payload in items:
        if kind == "more":
            left, paragraph = payload
            if stack:
                target = next((s for s in reversed(stack) if s[3] <= left), stack[0])
                target[1].items[-1].blocks.append(paragraph)
            else:
                result.append(paragraph)
            continue
        ordered, level, numbering, start, paragraph = payload
        depth = levels.index(level)
        while stack and stack[-1][0] > depth:
            stack.pop()
        if stack and stack[-1][0] == depth and (
                isinstance(stack[-1][1], m.OrderedList) != ordered or ordered and (
                    stack[-1][2][0] != numbering[0]
                    or stack[-1][2][1] != numbering[1] and numbering[2])):
            stack.pop()  # another list at the same depth
        if not stack or stack[-1][0] < depth:
            made = m.OrderedList([], start) if ordered else m.BulletList([])
            if stack and stack[-1][1].items:
                stack[-1][1].items[-1].blocks.append(made)
            else:
                result.append(made)
            stack.append((depth, made, numbering, level[0]))
        stack[-1][1].items.append(m.ListItem([paragraph]))
    return result


# Inlines -------------------------------------------------------------------------------

def nest(atoms: list[tuple[m.Inline, frozenset]]) -> list[m.Inline]:
    """Flat runs with marks into nested inlines: at each point the mark that lasts longest
    wraps (links, then emphasis, on a tie)."""
    result: list[m.Inline] = []
    n = 0
    while n < len(atoms):
        node, marks = atoms[n]
        if not marks:
            result.append(node)
            n += 1
            continue
        if "code" in marks and isinstance(node, m.Text):
            end = n
            while end + 1 < len(atoms) and "code" in atoms[end + 1][1] and \
                    isinstance(atoms[end + 1][0], m.Text):
                end += 1
            text = "".join(a[0].text for a in atoms[n:end + 1])
            inner = [(m.Code(text), marks - {"code"})]
            result += nest(inner)
            n = end + 1
            continue

        def length(mark) -> int:
            end = n
            while end < len(atoms) and mark in atoms[end][1]:
                end += 1
            return end - n

        order = sorted(marks, key=lambda k: (-length(k), 0 if isinstance(k, tuple) else
                                             1 if k == "emph" else 2))
        mark = order[0]
        span = length(mark)
        inner = nest([(a, k - {mark}) for a, k in atoms[n:n + span]])
        if isinstance(mark, tuple):
            result.append(m.Link(mark[1], inner))
        elif mark == "emph":
            result.append(m.Emph(inner))
        elif mark == "strong":
            result.append(m.Strong(inner))
        else:
            result += inner
        n += span
    return result


def within(atoms: list[tuple[m.Inline, frozenset]]) -> list[tuple[m.Inline, frozenset]]:
    """Where emphasis is bold (Arabic), emphasis between strong runs is inside them: the
    Word file cannot say, and `**strong *emphasis* strong**` is what authors write."""
    result = []
    for n, (node, marks) in enumerate(atoms):
        if "bold emphasis" in marks:
            around = [atoms[k][1] for k in (n - 1, n + 1) if 0 <= k < len(atoms)]
            marks = marks - {"bold emphasis"} | (
                {"strong"} if len(around) == 2 and all("strong" in a for a in around) else set())
        result.append((node, marks))
    return result


def merged(inlines: list[m.Inline]) -> list[m.Inline]:
    """Adjacent texts as one; the same inside."""
    result: list[m.Inline] = []
    for node in inlines:
        if isinstance(node, (m.Emph, m.Strong, m.Link)):
            node.children = merged(node.children)
        if isinstance(node, m.Text) and result and isinstance(result[-1], m.Text):
            result[-1] = m.Text(result[-1].text + node.text)
        elif not (isinstance(node, m.Text) and not node.text):
            result.append(node)
    return result
