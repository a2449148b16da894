"""Who may write the outreach ledgers (fupin.accounts.actions): the role at the row's area,
and the area in the user's scope."""

from __future__ import annotations

from fupin.accounts.actions import Action, allowed
from fupin.areas.scope import user_can_see_code

# The action each ledger's writes need (the ledger's key in fupin.outreach.ledgers).
ACTIONS = {
    "lectures": Action.OUTREACH_EDIT,
    "trips": Action.OUTREACH_EDIT,
    "visits": Action.OUTREACH_EDIT,
    "subsidies": Action.SUBSIDY_EDIT,
    "documents": Action.POLICY_DOCUMENT_EDIT,
}


def can_edit(user, kind: str, code: str) -> bool:
    """Tell whether ``user`` may write the ledger ``kind`` at the area ``code``."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return user_can_see_code(user, code) and allowed(user, ACTIONS[kind], code)


def can_edit_somewhere(user, kind: str) -> bool:
    return allowed(user, ACTIONS[kind])
