"""Who may report a task's progress (its own unit) and who may score it (the level above)."""

from __future__ import annotations

from fupin.accounts.actions import Action, roles
from fupin.areas.scope import user_can_see_code

EDIT_DUTIES = roles(Action.DUTIES_REPORT)


def can_report(user, code: str) -> bool:
    """Tell whether the user may report the progress of a task of unit ``code``."""
    return user_can_see_code(user, code) and user.has_role_at(EDIT_DUTIES, code)


def can_assess(user, code: str) -> bool:
    """Tell whether the user may score a task of unit ``code``: a role of ``EDIT_DUTIES`` over
    an area strictly above the unit (绩效考核 is the level above's; no unit scores itself)."""
    if user.is_superuser:
        return True
    return any(
        role in EDIT_DUTIES and code.startswith(area) and area != code
        for role, area in user.assignments()
    )
