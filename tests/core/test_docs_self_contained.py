"""Comments and docs cite only what is in this repository.

The mechanisms and figures the code relies on are in ``docs/domain.md`` (cited by section,
``docs/domain.md §3.3``) and the layout's rules in ``docs/architecture.md``; a citation of a
document outside the repository, or of a tracker's item number, is a dead end for a reader of
this tree.
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCANNED = ("fupin", "tests", "bench", "docs")
SUFFIXES = {".py", ".md", ".html", ".txt", ".po", ".js", ".css", ".toml", ".yaml", ".yml"}
SKIPPED_DIRS = {"vendor", "__pycache__", "node_modules"}
OUTSIDE = re.compile(r"DOMAIN\s*§|shared/|\bissues? #?\d+", re.IGNORECASE)


def _files():
    for top in SCANNED:
        for path in sorted((ROOT / top).rglob("*")):
            if path.suffix not in SUFFIXES or not path.is_file():
                continue
            if SKIPPED_DIRS.intersection(path.relative_to(ROOT).parts):
                continue
            if path.resolve() == Path(__file__).resolve():
                continue
            yield path


def test_no_citation_points_outside_the_repository():
    found = []
    for path in _files():
        text = path.read_text(encoding="utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), 1):
            if OUTSIDE.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not found, "cite docs/domain.md or docs/architecture.md instead:\n" + "\n".join(found)


def test_the_cited_documents_exist():
    for name in ("domain.md", "glossary.md", "architecture.md"):
        assert (ROOT / "docs" / name).is_file()
