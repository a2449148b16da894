"""Who may write funds, projects, allocations, beneficiaries and dividends: ``EDIT_FUNDS``."""

from __future__ import annotations

from fupin.accounts.actions import Action, roles

EDIT_FUNDS = roles(Action.FUND_EDIT)


def can_edit(user, code: str) -> bool:
    """Tell whether the user may write the money records of the area ``code``."""
    return user.has_role_at(EDIT_FUNDS, code)
