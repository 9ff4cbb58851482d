"""The package is laid out along its data flow: every import (at module level or inside a
function) goes to the same layer or one below, so there is no import cycle between layers,
and formats are known to the writers' table alone."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pipeline

PACKAGE = Path(pipeline.__file__).parent
# Lowest first: a module may import from its own layer and the layers before it.
LAYERS = [
    {"pipeline", "model", "errors", "limits", "files", "store", "regex_cache", "project",
     "styles"},
    {"house"},
    {"readers"},
    {"translation"},
    {"transforms"},
    {"writers"},
    {"jobs"},
    {"site"},
    {"commands", "__main__"},
]


def rank(module: str) -> int:
    """The layer of `pipeline.x.y`: that of its first part below the package."""
    parts = module.split(".")
    first = parts[1] if len(parts) > 1 else "pipeline"
    return next(n for n, layer in enumerate(LAYERS) if first in layer)


def module_name(path: Path) -> str:
    relative = path.relative_to(PACKAGE).with_suffix("")
    parts = [part for part in relative.parts if part != "__init__"]
    return ".".join(["pipeline", *parts])


def imports(path: Path) -> set[str]:
    """The pipeline modules that `path` imports, anywhere in it."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[:len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.startswith("pipeline"):
                found.add(target)
                found.update(f"{target}.{alias.name}" for alias in node.names
                             if (PACKAGE.parent / f"{target}.{alias.name}".replace(".", "/")).exists()
                             or (PACKAGE.parent / (f"{target}.{alias.name}".replace(".", "/") + ".py")).exists())
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("pipeline"))
    return found


MODULES = sorted(PACKAGE.rglob("*.py"))


def test_every_module_belongs_to_a_layer():
    for path in MODULES:
        rank(module_name(path))  # StopIteration if not


def test_no_import_from_a_layer_above():
    upward = [f"{module_name(path)} imports {target}"
              for path in MODULES for target in imports(path)
              if rank(target) > rank(module_name(path))]
    assert upward == []


def test_no_import_cycle_between_modules():
    graph = {module_name(path): {t for t in imports(path) if t != module_name(path)}
             for path in MODULES}
    visiting, done, cycles = [], set(), []

    def visit(node):
        if node in visiting:
            cycles.append(visiting[visiting.index(node):] + [node])
            return
        if node in done or node not in graph:
            return
        visiting.append(node)
        for target in sorted(graph[node]):
            # a package's __init__ importing its own submodules is not a cycle back
            if not (target.startswith(node + ".") and node in graph):
                visit(target)
        visiting.pop()
        done.add(node)

    for node in sorted(graph):
        visit(node)
    assert [" -> ".join(cycle) for cycle in cycles] == []


def test_formats_are_named_in_the_writers_table_only():
    """Outside `writers/`, no module names an output format: they read `writers.FORMATS`."""
    literal = re.compile(r"""["'](pdf|docx|html)["'](?!\s*:)""")  # not a dict key
    named = [f"{path.relative_to(PACKAGE)}:{n}" for path in MODULES
             if path.parent.name != "writers"
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if literal.search(line)]
    assert named == []
