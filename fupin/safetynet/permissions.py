"""Who may enrol members in safety-net policies: ``EDIT_SAFETYNET`` at a village in scope."""

from __future__ import annotations

from fupin.accounts.actions import Action, roles
from fupin.areas.scope import user_can_see_code

EDIT_SAFETYNET = roles(Action.SAFETYNET_EDIT)


def can_edit(actor, village_code: str) -> bool:
    """Tell whether the actor may write the policy enrolments of ``village_code``."""
    return user_can_see_code(actor, village_code) and actor.has_role_at(
        EDIT_SAFETYNET, village_code
    )
