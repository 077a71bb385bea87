"""Apps import downward only, and no module imports itself back in a circle.

The layers (docs/architecture.md), lowest first:

    accounts            the core: schools, classes, accounts, scope, audit, passwords, login IDs
    sspr, second_factor challenge questions and answers, self-service reset; staff's second factor
    batches             printable batches: cards, slips, the yearly reset, promotion
    helpdesk            reset requests and teacher pages (the teacher's slip is a batches slip)
    signin, staff       sign-in and account pages; the admin, import, lockouts and reports pages
    sso                 the OpenID Connect provider of the school apps (uses the sign-in pages)
    mims_portal         settings and the URL map

A module may import its own app and the apps of lower layers, never an app
beside it or above it. Read from the source (imports inside functions too), so
a lazy import cannot hide an upward one.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAYERS = [
    {"accounts"}, {"sspr", "second_factor"}, {"batches"}, {"helpdesk"}, {"signin", "staff"}, {"sso"}, {"mims_portal"},
]
LAYER_OF = {app: n for n, apps in enumerate(LAYERS) for app in apps}


def _modules() -> dict[str, Path]:
    found = {}
    for app in LAYER_OF:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def _imports(module: str, path: Path, *, top_level_only: bool) -> list[tuple[int, str]]:
    """(line, imported module) for each import; relative imports made absolute."""
    tree = ast.parse(path.read_text(), filename=str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    nodes = _top_level(tree.body) if top_level_only else ast.walk(tree)
    found = []
    for node in nodes:
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            found.append((node.lineno, target))
            # "from . import audit" imports the module accounts.audit.
            found += [(node.lineno, f"{target}.{alias.name}") for alias in node.names]
    return found


def _top_level(body: list[ast.stmt]) -> list[ast.stmt]:
    """Statements run at import time: not function bodies, not ``if TYPE_CHECKING:``."""
    out = []
    for node in body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue
        if isinstance(node, (ast.If, ast.Try)):
            out += _top_level(node.body) + _top_level(node.orelse)
            for handler in getattr(node, "handlers", []):
                out += _top_level(handler.body)
        elif isinstance(node, ast.ClassDef):
            out += _top_level(node.body)
        elif not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            out.append(node)
    return out


def upward_imports() -> list[str]:
    wrong = []
    for module, path in _modules().items():
        app = module.split(".")[0]
        for line, target in _imports(module, path, top_level_only=False):
            other = target.split(".")[0]
            if other in LAYER_OF and other != app and LAYER_OF[other] >= LAYER_OF[app]:
                wrong.append(f"{path.relative_to(ROOT)}:{line} imports {target}")
    return sorted(set(wrong))


def import_cycles() -> list[list[str]]:
    modules = _modules()
    graph = {
        module: {target for _line, target in _imports(module, path, top_level_only=True) if target in modules}
        - {module}
        for module, path in modules.items()
    }
    cycles, done, stack = [], set(), []

    def visit(module: str) -> None:
        stack.append(module)
        for target in sorted(graph[module]):
            if target in stack:
                cycles.append([*stack[stack.index(target) :], target])
            elif target not in done:
                visit(target)
        stack.pop()
        done.add(module)

    for module in sorted(graph):
        if module not in done:
            visit(module)
    return cycles


def test_it_finds_every_app_of_the_project():
    apps = {p.parent.name for p in ROOT.glob("*/apps.py")} | {"mims_portal"}
    assert apps == set(LAYER_OF), "a new app needs its place in LAYERS"


def test_it_imports_downward_only():
    assert upward_imports() == []


def test_it_has_no_import_cycles():
    assert import_cycles() == []


def test_it_would_catch_an_upward_import(tmp_path, monkeypatch):
    # The check can fail: a core module that imports the staff pages is reported.
    app = tmp_path / "accounts"
    app.mkdir()
    (app / "bad.py").write_text("def f():\n    from staff import reports\n")
    (app / "cycle_a.py").write_text("from . import cycle_b\n")
    (app / "cycle_b.py").write_text("from accounts import cycle_a\n")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    assert "accounts/bad.py:2 imports staff.reports" in upward_imports()
    assert import_cycles() in (
        [["accounts.cycle_a", "accounts.cycle_b", "accounts.cycle_a"]],
        [["accounts.cycle_b", "accounts.cycle_a", "accounts.cycle_b"]],
    )
