"""The packages import one way: bot → handlers/scheduler → nlu/ledger → models.

nlu sits beside ledger and below it (ledger may use nlu, never the reverse); chat feature
modules share what they share through handlers.common, never through each other (the modules
of one feature's package, handlers/reports/, share among themselves; handlers.steps runs every
conversation's steps).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGES = ("bot", "handlers", "scheduler", "ledger", "nlu", "models")
# What each package may import of the others (itself always).
ALLOWED = {
    "bot": set(PACKAGES),
    "handlers": {"ledger", "nlu", "models"},
    "scheduler": {"ledger", "nlu", "models"},
    "ledger": {"nlu", "models"},
    "nlu": {"models"},
    "models": set(),
}


def imported(path: Path) -> set[str]:
    """The modules a file imports, at the top or inside functions."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("package", PACKAGES)
def test_a_package_imports_only_the_layers_below_it(package: str) -> None:
    for path in modules(package):
        for name in imported(path):
            top = name.split(".")[0]
            if top in PACKAGES and top != package:
                assert top in ALLOWED[package], f"{path.relative_to(ROOT)} imports {name}"


def test_chat_features_share_only_through_common() -> None:
    for path in modules("handlers"):
        # A feature may be a package of modules (handlers/reports/): those share freely.
        relative = path.relative_to(ROOT / "handlers").parts
        own = f"handlers.{relative[0]}" if len(relative) > 1 else None
        others = {
            name
            for name in imported(path)
            if name.startswith("handlers")
            and name not in ("handlers", "handlers.common", "handlers.steps")
            and not name.startswith(("handlers.common.", "handlers.steps."))
            and not (own is not None and (name == own or name.startswith(own + ".")))
        }
        assert path.stem in ("common", "steps") or not others, (
            f"{path.name} imports {sorted(others)}"
        )


def test_benchmarks_do_not_import_the_tests() -> None:
    for path in modules("bench"):
        tests = sorted(name for name in imported(path) if name.split(".")[0] == "tests")
        assert not tests, f"{path.relative_to(ROOT)} imports {tests}"
