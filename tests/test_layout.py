"""Package boundaries: runtime de-identification never needs the data generator, and only the
entry points reach into the command line."""
import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "spacy_medner"


def _imports(path: Path):
    """Absolute module names a file imports (relative imports resolved against its package)."""
    package = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts[:-1])
    for node in ast.walk(ast.parse(path.read_text(encoding="utf8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                yield ".".join(base + ([node.module] if node.module else []))
            else:
                yield node.module


@pytest.mark.parametrize("path", sorted((PACKAGE / "deid").glob("*.py")), ids=lambda p: p.name)
def test_deid_imports_nothing_from_synth(path):
    assert not [name for name in _imports(path) if name.startswith("spacy_medner.synth")]


def test_library_modules_do_not_import_the_cli():
    entry_points = {PACKAGE / "__main__.py", PACKAGE / "spark_job.py"}
    offenders = [
        (str(path.relative_to(PACKAGE)), name)
        for path in PACKAGE.rglob("*.py")
        if "cli" not in path.relative_to(PACKAGE).parts and path not in entry_points
        for name in _imports(path)
        if name.startswith("spacy_medner.cli")
    ]
    assert offenders == []


def test_importing_deid_loads_no_generator_module():
    code = "import sys, spacy_medner.deid; print(sorted(m for m in sys.modules if m.startswith('spacy_medner.synth')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
