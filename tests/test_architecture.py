"""The architecture, read from the source (issue 13): short functions, plain wiring, no import
circles, the layer contracts in `make test`. Reads files only: no app, no server, no database."""

from __future__ import annotations

import ast
import importlib.util
import re
import tomllib
from collections.abc import Iterator
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "parcours"
TEMPLATES = ROOT / "templates"
MAX_LINES = 60
# The planner's inner loops, the only functions that may be longer: each runs millions of times
# a search, so it keeps its locals in one frame instead of calling helpers (a call per move
# costs more than the move). Keep this list short.
LONG_ALLOWED = {
    "parcours/planner/tabu.py::Tabu._step": "the tabu search's step: scores every move of a round",
    "parcours/planner/moves.py::best_move": "the local search's move scan, inlined per move",
}
# The one module that may load modules by name (eventlet or gevent, picked at start-up).
DYNAMIC_ALLOWED = {"parcours/asyncmode.py"}


@cache
def _sources() -> tuple[tuple[str, ast.Module], ...]:
    """Return (path from the root, syntax tree) of every module in parcours/ but migrations."""
    return tuple(
        (path.relative_to(ROOT).as_posix(), ast.parse(path.read_text(encoding="utf-8")))
        for path in sorted(PACKAGE.rglob("*.py"))
        if "migrations" not in path.parts
    )


def _functions(node: ast.AST, prefix: str = "") -> Iterator[tuple[str, ast.AST]]:
    """Yield (qualified name, node) of every function and method, nested ones too."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            name = f"{prefix}{child.name}"
            if not isinstance(child, ast.ClassDef):
                yield name, child
            yield from _functions(child, f"{name}.")
        else:
            yield from _functions(child, prefix)


def test_no_function_is_longer_than_60_lines() -> None:
    too_long = []
    for path, tree in _sources():
        for name, node in _functions(tree):
            lines = node.end_lineno - node.lineno + 1  # type: ignore[attr-defined]
            if lines > MAX_LINES and f"{path}::{name}" not in LONG_ALLOWED:
                too_long.append(f"{path}:{node.lineno} {name}: {lines} lines")  # type: ignore[attr-defined]
    assert not too_long, f"functions longer than {MAX_LINES} lines:\n" + "\n".join(too_long)


def test_the_allowed_long_functions_still_exist() -> None:
    """An entry of LONG_ALLOWED that no longer names a long function goes."""
    found = {
        f"{path}::{name}"
        for path, tree in _sources()
        for name, node in _functions(tree)
        if node.end_lineno - node.lineno + 1 > MAX_LINES  # type: ignore[attr-defined]
    }
    assert set(LONG_ALLOWED) <= found, sorted(set(LONG_ALLOWED) - found)


@cache
def _is_module(dotted: str) -> bool:
    """Tell whether a dotted name is a module or package (parcours' own by its files)."""
    if dotted == "parcours" or dotted.startswith("parcours."):
        base = ROOT.joinpath(*dotted.split("."))
        return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()
    try:
        return importlib.util.find_spec(dotted) is not None
    except (ImportError, ValueError):
        return False


def _module_names(tree: ast.Module, package: str, wanted: set[str]) -> dict[str, str]:
    """Return which of the wanted names the module binds to modules, with the module each is."""
    names: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    names[alias.asname] = alias.name
                else:
                    top = alias.name.split(".")[0]
                    names[top] = top
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node, package)
            for alias in node.names:
                bound = alias.asname or alias.name
                if bound in wanted and _is_module(f"{base}.{alias.name}"):
                    names[bound] = f"{base}.{alias.name}"
    return {name: module for name, module in names.items() if name in wanted}


def _dotted(node: ast.AST) -> str | None:
    """Return "a.b.c" for a name or attribute chain, else None."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        head = _dotted(node.value)
        return f"{head}.{node.attr}" if head else None
    return None


def _package_of(path: str) -> str:
    """Return the package a module file belongs to ("parcours/api/x.py" -> "parcours.api")."""
    parts = Path(path).with_suffix("").parts
    return ".".join(parts if parts[-1] == "__init__" else parts[:-1]).removesuffix(".__init__")


def test_no_module_is_loaded_by_name() -> None:
    """Plain imports only: no importlib, __import__, sys.modules or getattr on a module."""
    found = []
    for path, tree in _sources():
        if path in DYNAMIC_ALLOWED:
            continue
        calls = [
            node
            for node in ast.walk(tree)
            if isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in ("getattr", "hasattr")
            and node.args
        ]
        call_ids = {id(c) for c in calls}
        roots = {(_dotted(c.args[0]) or "").split(".")[0] for c in calls}
        modules = _module_names(tree, _package_of(path), roots - {""})
        for node in ast.walk(tree):
            where = f"{path}:{getattr(node, 'lineno', '?')}"
            if isinstance(node, ast.Import | ast.ImportFrom):
                read = [a.name for a in node.names] if isinstance(node, ast.Import) else []
                read += [node.module or ""] if isinstance(node, ast.ImportFrom) else []
                if any(m.split(".")[0] == "importlib" for m in read):
                    found.append(f"{where} imports importlib")
            elif isinstance(node, ast.Name) and node.id == "__import__":
                found.append(f"{where} uses __import__")
            elif isinstance(node, ast.Attribute) and _dotted(node) == "sys.modules":
                found.append(f"{where} looks a module up in sys.modules")
            elif id(node) in call_ids:
                assert isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                target = _dotted(node.args[0])
                root = target.split(".")[0] if target else None
                if root in modules:
                    resolved = modules[root] + target[len(root) :]  # type: ignore[index]
                    if _is_module(resolved):
                        found.append(f"{where} {node.func.id}() on the module {resolved}")
    assert not found, "modules loaded by name:\n" + "\n".join(found)


def test_templates_include_only_what_exists() -> None:
    """No `ignore missing` include, no `is defined` guard: a missing part is an error."""
    found = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            where = f"{path.relative_to(ROOT)}:{number}"
            if re.search(r"ignore\s+missing", line):
                found.append(f"{where}: include ... ignore missing")
            if re.search(r"\bis\s+(not\s+)?defined\b", line):
                found.append(f"{where}: `is defined` guard (pass the value from the view)")
    assert not found, "\n".join(found)


def _absolute(node: ast.ImportFrom, package: str) -> str:
    """Return the absolute module a `from ... import` reads from."""
    if not node.level:
        return node.module or ""
    parts = package.split(".")
    base = parts[: len(parts) - node.level + 1]
    return ".".join([*base, node.module] if node.module else base)


def _type_checking_only(tree: ast.Module) -> set[int]:
    """Return the ids of import nodes inside `if TYPE_CHECKING:` (not run)."""
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and _dotted(node.test) in (
            "TYPE_CHECKING",
            "typing.TYPE_CHECKING",
        ):
            skip.update(id(inner) for stmt in node.body for inner in ast.walk(stmt))
    return skip


def import_graph() -> dict[str, set[str]]:
    """Return parcours' modules with the parcours modules each imports, anywhere in it."""
    graph: dict[str, set[str]] = {}
    for path, tree in _sources():
        name = path.removesuffix(".py").replace("/", ".").removesuffix(".__init__")
        package = _package_of(path)
        skip = _type_checking_only(tree)
        edges = graph.setdefault(name, set())
        for node in ast.walk(tree):
            if id(node) in skip:
                continue
            if isinstance(node, ast.Import):
                edges.update(a.name for a in node.names if a.name.startswith("parcours"))
            elif isinstance(node, ast.ImportFrom):
                base = _absolute(node, package)
                if not base.startswith("parcours"):
                    continue
                for alias in node.names:
                    sub = f"{base}.{alias.name}"
                    edges.add(sub if _is_module(sub) else base)
        edges.discard(name)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Return the strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                group.append(top)
                if top == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def _one_cycle(graph: dict[str, set[str]], group: list[str]) -> list[str]:
    """Return one circle through the group's first module, as a path (for the message)."""
    start, members = group[0], set(group)
    paths = [[start]]
    seen = {start}
    while paths:
        path = paths.pop(0)
        for nxt in sorted(graph[path[-1]] & members):
            if nxt == start:
                return [*path, start]
            if nxt not in seen:
                seen.add(nxt)
                paths.append([*path, nxt])
    return group


def test_no_import_circles() -> None:
    """No module reaches itself through imports, those inside functions included."""
    graph = import_graph()
    circles = [" -> ".join(_one_cycle(graph, group)) for group in _cycles(graph)]
    assert not circles, "import circles:\n" + "\n".join(circles)


def test_the_cycle_finder_finds_a_circle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(graph) == [["a", "b", "c"]]
    assert _one_cycle(graph, ["a", "b", "c"]) == ["a", "b", "c", "a"]


# (source packages, packages they must not import): issue 13's layers
CONTRACTS = [
    ({"parcours.web", "parcours.api", "parcours.realtime"}, {"parcours.storage"}),
    ({"parcours.services"}, {"parcours.realtime", "parcours.api", "parcours.web"}),
    ({"parcours.exports"}, {"parcours.api", "parcours.web"}),
    ({"parcours.domain", "parcours.planner"}, {"flask", "sqlalchemy"}),
]


def test_make_test_checks_the_layer_contracts() -> None:
    """`make test` runs import-linter, and its contracts hold the layers of issue 13."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    target = makefile.split("\ntest:", 1)[1].split("\n\n", 1)[0]
    assert "lint-imports" in target
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    for sources, forbidden in CONTRACTS:
        assert any(
            c["type"] == "forbidden"
            and sources <= set(c["source_modules"])
            and forbidden <= set(c["forbidden_modules"])
            for c in contracts
        ), f"no import-linter contract keeps {sorted(sources)} from {sorted(forbidden)}"


# The one definition of each word list: domain/vocabulary.py, and the planner's modes.
VOCABULARY_HOMES = {"parcours/domain/vocabulary.py", "parcours/planner/model.py"}
# Literal lists that equal a vocabulary list but stay, each with its reason.
VOCABULARY_ALLOWED = {
    # the OpenAPI document prints an operation's roles in this order ("Roles: ..."); STAFF or
    # EVERYONE would reorder them and change the document
    ("parcours/api/wall.py", ("organiser", "facilitator", "screen", "participant", "host")),
}


def _vocabulary() -> dict[str, frozenset[str]]:
    from parcours.domain import vocabulary
    from parcours.planner.model import MODES, PRIORITIES

    lists = {
        name: frozenset(value)
        for name, value in vars(vocabulary).items()
        if name.isupper() and isinstance(value, tuple | dict)
    }
    return {**lists, "MODES": frozenset(MODES), "PRIORITIES": frozenset(PRIORITIES)}


def test_each_word_list_is_written_once() -> None:
    """Kinds, languages, roles, staff, phases and modes: no second literal copy in the code
    or the templates (a subset, like the roles of one operation, is fine)."""
    words = _vocabulary()
    found = []
    for path, tree in _sources():
        if path in VOCABULARY_HOMES:
            continue
        for node in ast.walk(tree):
            if not isinstance(node, ast.Tuple | ast.List | ast.Set) or len(node.elts) < 2:
                continue
            values = [e.value for e in node.elts if isinstance(e, ast.Constant)]
            if len(values) != len(node.elts) or (path, tuple(values)) in VOCABULARY_ALLOWED:
                continue
            same = [name for name, words_ in words.items() if set(values) == words_]
            if same:
                found.append(f"{path}:{node.lineno} repeats {' = '.join(same)}")
    literal = re.compile(r"[(\[]\s*((?:['\"][\w-]+['\"]\s*,\s*)+['\"][\w-]+['\"])\s*,?\s*[)\]]")
    for template in sorted(TEMPLATES.rglob("*.html")):
        for number, line in enumerate(template.read_text(encoding="utf-8").splitlines(), 1):
            for match in literal.finditer(line):
                values = set(re.findall(r"['\"]([\w-]+)['\"]", match.group(1)))
                same = [name for name, words_ in words.items() if values == words_]
                if same:
                    found.append(f"{template.relative_to(ROOT)}:{number} repeats {same}")
    assert not found, "\n".join(found)
