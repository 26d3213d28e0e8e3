"""The layer rule of design.md ("Layout"), checked by scripts/check_layers.py on the real tree and on small fake trees.

No database: the checker only parses source files.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _load_checker() -> ModuleType:
    spec = importlib.util.spec_from_file_location("check_layers", ROOT / "scripts" / "check_layers.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


check_layers = _load_checker()


def write_tree(root: Path, files: dict[str, str]) -> Path:
    """Files relative to `root`; every directory on the way becomes a package."""
    for name, source in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        for parent in path.relative_to(root).parents:
            if parent != Path("."):
                (root / parent / "__init__.py").touch()
        path.write_text(source, encoding="utf-8")
    return root


# --- the real tree -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def report():
    return check_layers.check(ROOT)


def test_the_project_has_imports_to_check(report):
    assert len(report.imports) > 100


def test_no_app_imports_a_higher_layer_or_bench(report):
    assert not report.violations, "\n".join(map(str, report.violations))


def test_no_two_project_modules_import_each_other_even_indirectly(report):
    assert not report.cycles, "\n".join(" → ".join(cycle) for cycle in report.cycles)


def test_imports_inside_functions_are_only_the_slow_ones(report):
    assert not report.late, "\n".join(report.late)


# --- the checker catches what it should ----------------------------------------------------------


def test_an_upward_import_inside_a_function_is_a_violation(tmp_path):
    write_tree(tmp_path, {"funding/selectors.py": "", "kim/x.py": "def f():\n    from funding import selectors\n"})

    found = check_layers.check(tmp_path).violations

    assert [str(v) for v in found] == ["kim/x.py:2: kim → funding (funding.selectors)"]


def test_an_upward_import_at_module_level_is_a_violation(tmp_path):
    write_tree(tmp_path, {"funding/selectors.py": "", "kim/y.py": "import funding.selectors\n"})

    found = check_layers.check(tmp_path).violations

    assert [str(v) for v in found] == ["kim/y.py:1: kim → funding (funding.selectors)"]


def test_an_upward_import_in_a_try_block_under_if_is_a_violation(tmp_path):
    source = "import typing\nif typing.TYPE_CHECKING:\n    try:\n        from funding.selectors import x\n    except ImportError:\n        pass\n"
    write_tree(tmp_path, {"funding/selectors.py": "x = 1\n", "kim/z.py": source})

    assert [v.line for v in check_layers.check(tmp_path).violations] == [4]


def test_a_downward_import_is_allowed(tmp_path):
    write_tree(
        tmp_path, {"kim/models.py": "", "funding/z.py": "from kim import models\nfrom kim.models import Thing\n"}
    )

    report = check_layers.check(tmp_path)

    assert report.violations == []
    assert report.ok
    assert {(i.source, i.target) for i in report.imports} == {("funding.z", "kim.models")}


def test_importing_bench_is_a_violation_even_from_the_top_layer(tmp_path):
    write_tree(
        tmp_path,
        {"bench/runner.py": "from kim import models\n", "kim/models.py": "", "config/urls.py": "import bench.runner\n"},
    )

    found = check_layers.check(tmp_path).violations

    assert [str(v) for v in found] == ["config/urls.py:1: config → bench (bench.runner)"]


def test_a_relative_import_cycle_is_found_once(tmp_path):
    write_tree(tmp_path, {"funding/a.py": "from . import b\n", "funding/b.py": "def g():\n    from .a import h\n"})

    report = check_layers.check(tmp_path)

    assert report.cycles == [["funding.a", "funding.b", "funding.a"]]
    assert report.violations == []


def test_a_package_importing_its_own_submodules_is_no_cycle(tmp_path):
    write_tree(tmp_path, {"kim/__init__.py": "from .models import Thing\n", "kim/models.py": "Thing = 1\n"})

    assert check_layers.check(tmp_path).cycles == []


def test_migrations_are_not_checked(tmp_path):
    write_tree(tmp_path, {"funding/models.py": "", "kim/migrations/0001_initial.py": "import funding.models\n"})

    assert check_layers.check(tmp_path).imports == []


def test_the_command_exits_with_one_on_a_finding_and_zero_with_a_summary_otherwise(tmp_path, capsys):
    write_tree(tmp_path, {"kim/models.py": "", "funding/z.py": "from kim import models\n"})
    assert check_layers.main([str(tmp_path)]) == 0
    assert capsys.readouterr().out == "Schichten: 1 Importe geprüft, keine Verstöße, keine Zyklen\n"

    (tmp_path / "kim" / "x.py").write_text("from funding import z\n", encoding="utf-8")
    assert check_layers.main([str(tmp_path), "--graph"]) == 1
    out = capsys.readouterr().out
    assert "kim → funding: 1  ← verboten" in out
    assert "kim/x.py:1: kim → funding (funding.z)" in out


def test_an_import_inside_a_function_is_reported_unless_the_module_is_slow(tmp_path):
    source = (
        "def f():\n    import json\n    from kim import models\n    import openpyxl\n    from weasyprint import HTML\n"
    )
    write_tree(tmp_path, {"kim/models.py": "", "kim/late.py": source, "kim/apps.py": "def ready():\n    import json\n"})

    late = check_layers.check(tmp_path).late

    assert late == ["kim/late.py:2: json", "kim/late.py:3: kim"]
