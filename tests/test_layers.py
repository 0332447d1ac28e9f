"""The package has no import cycles, counting imports inside functions: each module builds only on those below."""

from __future__ import annotations

import ast

from csabook.paths import PACKAGE_ROOT

PACKAGE = PACKAGE_ROOT / "csabook"


def imports_of(module: str) -> set[str]:
    """The csabook modules `module` imports anywhere in its source (at the top or inside a function)."""
    tree = ast.parse((PACKAGE / f"{module}.py").read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            if node.module:
                found.add(node.module.split(".")[0])
            else:
                found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("csabook."):
            found.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            found.update(a.name.split(".")[1] for a in node.names if a.name.startswith("csabook."))
    return {m for m in found if (PACKAGE / f"{m}.py").is_file() and m != module}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every cycle found by a depth-first walk (each reported once, from where it was entered)."""
    found, state = [], {}

    def walk(node: str, path: list[str]) -> None:
        state[node] = "open"
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                found.append(path[path.index(nxt):] + [nxt])
            elif nxt not in state:
                walk(nxt, path + [nxt])
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            walk(node, [node])
    return found


def test_the_package_has_no_import_cycles():
    graph = {p.stem: imports_of(p.stem) for p in PACKAGE.glob("*.py") if p.stem != "__main__"}
    assert cycles(graph) == []


def test_the_cycle_check_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == [["a", "b", "c", "a"]]
