"""The scope filter is written once, in fupin.areas: everything else reads through
``Model.objects.accessible_to(user)`` and ``.within(code)`` (see fupin/areas/scope.py)."""

import re
from pathlib import Path

import fupin

ROOT = Path(fupin.__file__).resolve().parent
HAND_WRITTEN = re.compile(r"\b(user_prefixes|prefixes_q|scope_q|within_q)\(")


def test_no_hand_written_scope_filter_outside_areas():
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT.parent)
        if relative.parts[:2] == ("fupin", "areas"):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if HAND_WRITTEN.search(line):
                found.append(f"{relative}:{number}: {line.strip()}")
    assert not found, "scope filter written by hand, use accessible_to()/within():\n" + "\n".join(
        found
    )
