"""Every test module and every test in the repository says, in a docstring, what it checks.

Ruff's pydocstyle rules cannot target test functions alone (D103 would also ask
for docstrings on every fixture and helper), so the source is read here instead.
"""

from __future__ import annotations

import ast
import os
import tomllib
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[4]

#: pytest's default ``norecursedirs``, plus the caches and tools that live in the checkout.
SKIPPED_DIRECTORIES = {"node_modules", "venv", "build", "dist", "CVS", "_darcs", "__pycache__"}


def collected_files(root: Path) -> Iterator[Path]:
    """The files pytest collects under the project's ``testpaths``, in a stable order."""
    options = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["pytest"]
    for testpath in options["ini_options"]["testpaths"]:
        for directory, subdirectories, files in os.walk(root / testpath):
            subdirectories[:] = sorted(
                name
                for name in subdirectories
                if not name.startswith(".")
                and not name.endswith(".egg")
                and name not in SKIPPED_DIRECTORIES
            )
            for name in sorted(files):
                if name.endswith(".py") and (name.startswith("test_") or name.endswith("_test.py")):
                    yield Path(directory) / name


def undocumented(path: Path) -> list[tuple[int, str]]:
    """(line, name) of the module and of each test function or method without a docstring."""
    module = ast.parse(path.read_text(), filename=str(path))
    missing = [] if ast.get_docstring(module) else [(1, "(module)")]
    pending: list[ast.stmt] = list(module.body)
    while pending:
        node = pending.pop(0)
        if isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
            pending.extend(node.body)  # pytest collects the test methods of Test* classes
        elif (
            isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            and node.name.startswith("test")
            and not ast.get_docstring(node)
        ):
            missing.append((node.lineno, node.name))
    return missing


def test_every_test_in_the_repository_has_a_docstring() -> None:
    """No test module, test function or test method in libs/, services/ or tests/ lacks one."""
    files = list(collected_files(ROOT))
    missing = [
        f"{path.relative_to(ROOT)}:{line} {name}"
        for path in files
        for line, name in undocumented(path)
    ]

    assert len(files) > 50, "the walk found too few test files: is ROOT the repository root?"
    assert not missing, "Say in a docstring what each test checks:\n" + "\n".join(missing)


def test_a_test_without_a_docstring_is_named_with_its_line(tmp_path: Path) -> None:
    """A bare test function, test method or module is reported; documented ones are not."""
    (tmp_path / "pyproject.toml").write_text('[tool.pytest.ini_options]\ntestpaths = ["pkg"]\n')
    tests = tmp_path / "pkg" / "tests"
    tests.mkdir(parents=True)
    (tests / "test_bare.py").write_text(
        "def test_one():\n    pass\n\n\n"
        "class TestGroup:\n    async def test_two(self):\n        pass\n\n"
        '    def helper(self):\n        pass\n\n\ndef fixture_like():\n    """Not a test."""\n'
    )
    (tests / "test_documented.py").write_text(
        '"""A module."""\n\n\ndef test_three():\n    """Checks three."""\n'
    )
    (tests / "support.py").write_text("def test_not_collected():\n    pass\n")
    hidden = tmp_path / "pkg" / ".venv"
    hidden.mkdir()
    (hidden / "test_vendored.py").write_text("def test_theirs():\n    pass\n")

    files = list(collected_files(tmp_path))

    assert files == [tests / "test_bare.py", tests / "test_documented.py"]
    assert undocumented(files[0]) == [(1, "(module)"), (1, "test_one"), (6, "test_two")]
    assert undocumented(files[1]) == []
