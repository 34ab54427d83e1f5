"""The shape of the code: no import circles, no module over 500 lines.

The layer rules themselves (portal below the apps, the apps independent, interfaces above
services and selectors above models) are import-linter contracts in ``.importlinter``, run by
``make lint``; this file checks what a contract cannot express.
"""

from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("portal", "services", "participation", "smartcity")
MAX_LINES = 500
EXEMPT = ("/migrations/", "/demo.py")  # generated schema history and demo content


@pytest.fixture(scope="module")
def graph():
    return grimp.build_graph(*PACKAGES, cache_dir=None)


def test_no_two_modules_import_each_other_even_through_others(graph):
    circles = sorted(
        (importer, imported)
        for importer in graph.modules
        for imported in graph.find_modules_directly_imported_by(importer)
        if graph.chain_exists(importer=imported, imported=importer)
    )
    assert circles == []


def test_no_module_is_longer_than_500_lines():
    too_long = {
        str(path.relative_to(ROOT)): lines
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if not any(part in str(path) for part in EXEMPT)
        and (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert too_long == {}
