"""Who may write Party records: the roles of ``EDIT_PARTY`` at the record's area."""

from __future__ import annotations

from fupin.accounts.actions import Action, roles

EDIT_PARTY = roles(Action.PARTY_RECORD)


def can_edit(user, code: str) -> bool:
    """Tell whether the user may write Party records (meetings, members, archive) at ``code``."""
    return bool(user and user.is_authenticated and user.has_role_at(EDIT_PARTY, code))
