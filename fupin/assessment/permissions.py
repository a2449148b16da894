"""Who may run the yearly assessment: the county poverty office and above, above a village."""

from __future__ import annotations

from fupin.accounts.actions import Action, roles
from fupin.areas.models import Level

RUN_ROLES = roles(Action.ASSESSMENT_RUN)


def can_run(user, area) -> bool:
    """Tell whether the user may run the assessment of ``area`` (not a village)."""
    return area.level != Level.VILLAGE and user.has_role_at(RUN_ROLES, area.code)
