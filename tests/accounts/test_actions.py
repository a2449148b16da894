"""The table of writes (fupin.accounts.actions) and its copy in docs/security.md agree."""

from __future__ import annotations

from pathlib import Path

from fupin.accounts.actions import ROLES, Action
from fupin.accounts.models import Role

DOC = Path(__file__).resolve().parents[2] / "docs" / "security.md"


def render_table() -> str:
    """The markdown table of docs/security.md, "Who may write what", from ``ROLES``."""
    roles = list(Role)
    lines = [
        "| action | " + " | ".join(f"`{role.value}`" for role in roles) + " |",
        "|---|" + "---|" * len(roles),
    ]
    for action in Action:
        marks = " | ".join("✓" if role in ROLES[action] else "" for role in roles)
        lines.append(f"| `{action.value}` | {marks} |")
    return "\n".join(lines)


def test_every_action_has_its_roles():
    assert set(ROLES) == set(Action)
    assert all(ROLES[action] for action in Action)


def test_the_security_doc_shows_the_table():
    assert render_table() in DOC.read_text(encoding="utf-8"), (
        "docs/security.md is out of date; paste render_table()'s output:\n" + render_table()
    )
