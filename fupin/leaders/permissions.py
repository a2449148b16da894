"""Who may write business leaders, their links and incomes: ``EDIT_LEADERS`` at the area."""

from __future__ import annotations

from fupin.accounts.actions import Action, roles

EDIT_LEADERS = roles(Action.LEADERS_EDIT)


def can_edit(user, code: str) -> bool:
    """Tell whether the user may write leaders' records at ``code``."""
    return bool(user and user.is_authenticated and user.has_role_at(EDIT_LEADERS, code))
