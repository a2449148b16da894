"""Who may manage cadres (evaluations, records, recalls): ``EDIT_CADRES`` at the area."""

from __future__ import annotations

from fupin.accounts.actions import Action, roles

EDIT_CADRES = roles(Action.CADRES_EDIT)


def can_edit(actor, code: str) -> bool:
    """Tell whether the actor may write the cadre records of the area ``code``."""
    return actor is not None and actor.has_role_at(EDIT_CADRES, code or "")
