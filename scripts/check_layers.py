#!/usr/bin/env python3
"""Layers and import cycles: every import of the project, at any depth (functions, if/try blocks, relative ones).

Apps import downwards only: config → overview → committee → casemanagement → funding → modules → kim.
`bench` sits outside the layers: it may import anything, nothing imports it. No import cycle between files.
An import inside a function is allowed only for a module slow to import (WeasyPrint, openpyxl) and in
an AppConfig.ready() (apps.py), which must import late. Exit 1 on any finding. `--graph` prints how often
each app imports each other app.
"""

from __future__ import annotations

import argparse
import ast
import sys
from collections import Counter, deque
from dataclasses import dataclass, field
from pathlib import Path

LAYERS = ("config", "overview", "committee", "casemanagement", "funding", "modules", "kim")
OUTSIDE = ("bench",)
PACKAGES = LAYERS + OUTSIDE
SLOW = ("weasyprint", "openpyxl")  # imported inside the function that needs them (ruff TID253 bans them at the top)
BENCH_USERS = {"config/settings_bench.py"}  # names `bench` as a string today; an import would be allowed too


@dataclass(frozen=True)
class Import:
    path: str  # file relative to the root, e.g. "kim/views.py"
    line: int
    source: str  # importing module, e.g. "kim.views"
    target: str  # imported project module (the deepest one that exists), e.g. "funding.selectors"

    @property
    def source_app(self) -> str:
        return self.source.partition(".")[0]

    @property
    def target_app(self) -> str:
        return self.target.partition(".")[0]

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.source_app} → {self.target_app} ({self.target})"


@dataclass
class Report:
    imports: list[Import] = field(default_factory=list)
    violations: list[Import] = field(default_factory=list)
    components: list[list[str]] = field(default_factory=list)  # strongly connected, more than one module
    cycles: list[list[str]] = field(default_factory=list)  # one closed cycle per component
    late: list[str] = field(default_factory=list)  # "path:line: module" of imports inside functions

    @property
    def ok(self) -> bool:
        return not self.violations and not self.cycles and not self.late


def module_files(root: Path) -> dict[str, Path]:
    """Dotted module name → file, for every .py of the project packages (migrations skipped)."""
    modules: dict[str, Path] = {}
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            if "migrations" not in parts:
                modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return modules


def imported_names(
    node: ast.Import | ast.ImportFrom, module: str, is_package: bool, modules: dict[str, Path]
) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module or ""
    if node.level:  # relative: from the package of `module`, one step up per further dot
        package = module.split(".") if is_package else module.split(".")[:-1]
        base = ".".join(package[: len(package) - node.level + 1] + ([base] if base else []))
    # `from a.b import c` means the submodule a.b.c if there is one, else a.b itself.
    return [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]


def resolve(name: str, modules: dict[str, Path]) -> str | None:
    """The deepest existing project module `name` refers to; None outside the project."""
    parts = name.split(".")
    if parts[0] not in PACKAGES:
        return None
    prefixes = (".".join(parts[:end]) for end in range(len(parts), 0, -1))
    return next((prefix for prefix in prefixes if prefix in modules), name)  # a missing one still counts


def imports_of(module: str, path: Path, root: Path, modules: dict[str, Path]) -> list[Import]:
    rel = path.relative_to(root).as_posix()
    found: list[Import] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=rel)):
        if isinstance(node, ast.Import | ast.ImportFrom):
            for name in dict.fromkeys(imported_names(node, module, path.name == "__init__.py", modules)):
                if (target := resolve(name, modules)) is not None:
                    found.append(Import(rel, node.lineno, module, target))
    return sorted(found, key=lambda imp: (imp.line, imp.target))


def late_imports(path: Path, root: Path) -> list[str]:
    """Imports inside a function body, other than of a slow module or in apps.py (AppConfig.ready)."""
    if path.name == "apps.py":
        return []
    rel = path.relative_to(root).as_posix()
    found = []
    for func in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=rel)):
        if isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
            for node in ast.walk(func):
                if isinstance(node, ast.Import | ast.ImportFrom):
                    name = node.module if isinstance(node, ast.ImportFrom) else node.names[0].name
                    if (name or "").partition(".")[0] not in SLOW:
                        found.append(f"{rel}:{node.lineno}: {'.' * getattr(node, 'level', 0)}{name or ''}")
    return sorted(set(found))


def allowed(src: str, dst: str) -> bool:
    """May app `src` import app `dst`?"""
    if src == dst or src in OUTSIDE:
        return True
    return dst not in OUTSIDE and LAYERS.index(src) <= LAYERS.index(dst)


def is_violation(imp: Import) -> bool:
    return not allowed(imp.source_app, imp.target_app) and imp.path not in BENCH_USERS


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan: the components with more than one module; each holds at least one cycle."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    components: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for succ in sorted(graph[node]):
            if succ not in index:
                visit(succ)
                low[node] = min(low[node], low[succ])
            elif succ in stack:
                low[node] = min(low[node], index[succ])
        if low[node] == index[node]:
            component = stack[stack.index(node) :]
            del stack[stack.index(node) :]
            if len(component) > 1:
                components.append(sorted(component))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10 * len(graph) + 100))
    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(components)


def shortest_cycle(component: list[str], graph: dict[str, set[str]]) -> list[str]:
    """The shortest cycle through the first module of a component (breadth-first inside it), closed."""
    start, members = component[0], set(component)
    paths, queue = {start: [start]}, deque([start])
    while queue:
        node = queue.popleft()
        for succ in sorted(graph[node] & members):
            if succ == start:
                return paths[node] + [start]
            if succ not in paths:
                paths[succ] = paths[node] + [succ]
                queue.append(succ)
    raise AssertionError(f"no cycle in component {component}")


def check(root: Path) -> Report:
    modules = module_files(root)
    report = Report()
    for module, path in modules.items():
        report.imports += imports_of(module, path, root, modules)
        if module.partition(".")[0] in LAYERS:
            report.late += late_imports(path, root)
    report.violations = [imp for imp in report.imports if is_violation(imp)]
    graph: dict[str, set[str]] = {module: set() for module in modules}
    for imp in report.imports:
        if imp.target in modules and imp.target != imp.source:
            graph[imp.source].add(imp.target)
    report.components = strongly_connected(graph)
    report.cycles = [shortest_cycle(component, graph) for component in report.components]
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("root", nargs="?", type=Path, default=Path(__file__).resolve().parent.parent)
    parser.add_argument("--graph", action="store_true", help="Importe je App-Paar ausgeben")
    args = parser.parse_args(argv)
    report = check(args.root)
    if args.graph:
        pairs = Counter((imp.source_app, imp.target_app) for imp in report.imports if imp.source_app != imp.target_app)
        for (src, dst), count in sorted(pairs.items()):
            print(f"{src} → {dst}: {count}" + ("" if allowed(src, dst) else "  ← verboten"))
    for violation in report.violations:
        print(violation)
    for cycle, component in zip(report.cycles, report.components, strict=True):
        rest = ", ".join(sorted(set(component) - set(cycle)))
        print("cycle: " + " → ".join(cycle) + (f"  (in derselben Komponente: {rest})" if rest else ""))
    for late in report.late:
        print(f"{late}  (Import in einer Funktion: nur für WeasyPrint/openpyxl)")
    found = (
        f"{len(report.violations)} Verstöße, {len(report.cycles)} Zyklen, {len(report.late)} Importe in Funktionen"
        if not report.ok
        else ""
    )
    print(f"Schichten: {len(report.imports)} Importe geprüft, " + (found or "keine Verstöße, keine Zyklen"))
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
