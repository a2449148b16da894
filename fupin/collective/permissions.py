"""Who may write a village's collective income: ``EDIT_COLLECTIVE`` at a village in scope."""

from __future__ import annotations

from fupin.accounts.actions import Action, roles
from fupin.areas.scope import user_can_see_code

EDIT_COLLECTIVE = roles(Action.COLLECTIVE_EDIT)


def can_edit(actor, village_code: str) -> bool:
    """Tell whether the actor may record the collective income of ``village_code``."""
    return user_can_see_code(actor, village_code) and actor.has_role_at(
        EDIT_COLLECTIVE, village_code
    )
