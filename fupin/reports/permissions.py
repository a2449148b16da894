"""Who may publish a report: the headquarters and organisation department (作战体系), and the
league's and counties' poverty offices, each at the area of the report."""

from __future__ import annotations

from fupin.accounts.actions import Action, roles

PUBLISH_REPORTS = roles(Action.REPORT_PUBLISH)


def can_publish(user, code: str) -> bool:
    """Tell whether the user may publish a report of the area ``code``."""
    return bool(user and user.is_authenticated and user.has_role_at(PUBLISH_REPORTS, code))
