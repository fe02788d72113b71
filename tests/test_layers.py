"""The layers hold: nothing imports the command line back, and no two modules import each other."""

import ast
from pathlib import Path

import runform

ROOT = Path(runform.__file__).parent


def _module(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _type_checking(node: ast.If) -> bool:
    return "TYPE_CHECKING" in ast.dump(node.test)


def _imports(path: Path, name: str, modules: set[str]) -> set[str]:
    """runform modules imported by ``path`` at run time (inside functions too; not under TYPE_CHECKING)."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()

    def visit(node):
        if isinstance(node, ast.If) and _type_checking(node):
            return
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(up + ([node.module] if node.module else []))
            found.update(c for c in [base] + [f"{base}.{a.name}" for a in node.names] if c in modules)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name in modules)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    # A package's __init__ re-exporting its own children is not a dependency of the children on it.
    return {m for m in found if not (name.startswith(m + ".") and (ROOT.parent / m.replace(".", "/")).is_dir())}


def _graph() -> dict[str, set[str]]:
    paths = {_module(p): p for p in ROOT.rglob("*.py")}
    return {name: _imports(p, name, set(paths)) for name, p in paths.items()}


def test_nothing_imports_the_cli():
    assert [m for m, deps in _graph().items() if "runform.cli" in deps] == []


def test_no_import_cycles():
    graph = _graph()
    cycles = []
    state: dict[str, int] = {}

    def visit(m, trail):
        state[m] = 1
        for d in sorted(graph[m]):
            if state.get(d) == 1:
                cycles.append(trail[trail.index(d):] + [d])
            elif d not in state:
                visit(d, trail + [d])
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m, [m])
    assert cycles == []
