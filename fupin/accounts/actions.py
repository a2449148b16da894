"""Who may write what: every write action and the roles allowed to take it, as one table.

Reads are governed by scope alone (fupin.areas.scope). A write needs both: the area in the
user's scope, and one of the action's roles held over an area containing the record's area
(``allowed``). Each app's ``permissions.py`` reads this table and adds its own finer checks
beside it (a pairing cadre only for the households it is paired with, a score only from the
level above); the services call those checks, and the pages draw their menus and buttons from
the same checks. docs/security.md ("Who may write what") is checked against this table by
tests/accounts/test_actions.py.

The roles follow docs/domain.md §1: the supervisors (督查组) inspect and read, so they hold no
write; the household's own word (a concern's satisfaction) is never recorded by a supervisor.
"""

from __future__ import annotations

from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from .models import Role

MSG_ROLE = _("您的角色不能进行此操作")


class Action(StrEnum):
    # Field work (docs/domain.md §3.5).
    VISIT_RECORD = "visit.record"
    CHECK_IN_RECORD = "check_in.record"
    CHECK_IN_ACCEPT = "check_in.accept"
    CONCERN_RAISE = "concern.raise"
    CONCERN_ASSIGN = "concern.assign"
    CONCERN_START = "concern.start"
    CONCERN_ANSWER = "concern.answer"
    CONCERN_FEEDBACK = "concern.feedback"
    CONCERN_ESCALATE = "concern.escalate"
    REVIEW_MEETING_VILLAGE = "review_meeting.village"
    REVIEW_MEETING_TOWNSHIP = "review_meeting.township"
    REVIEW_MEETING_COUNTY = "review_meeting.county"
    # Identification and exit cases (一申请两评议三公开): each step by its level.
    CASE_STEP_VILLAGE = "case_step.village"
    CASE_STEP_TOWNSHIP = "case_step.township"
    CASE_STEP_COUNTY = "case_step.county"
    OBJECTION_ANSWER = "objection.answer"
    ROUND_MANAGE = "round.manage"
    # The registry.
    REGISTRY_EDIT = "registry.edit"
    IMPORT_REGISTRY = "import.registry"
    # Marking an import as a historical load (new identifications and exits without a case).
    IMPORT_HISTORICAL = "import.historical"
    # Party building and cadres (docs/domain.md §3.6).
    PARTY_RECORD = "party.record"
    CADRES_EDIT = "cadres.edit"
    DUTIES_REPORT = "duties.report"
    COMMAND_EDIT = "command.edit"
    LEADERS_EDIT = "leaders.edit"
    # Money (docs/domain.md §3.7).
    FUND_EDIT = "fund.edit"
    COLLECTIVE_EDIT = "collective.edit"
    SAFETYNET_EDIT = "safetynet.edit"
    # The figures.
    ASSESSMENT_RUN = "assessment.run"
    REPORT_PUBLISH = "report.publish"
    # Poor villages (贫困村): the designation, and each step of a village's exit by its level.
    POOR_VILLAGE_DESIGNATE = "poor_village.designate"
    VILLAGE_EXIT_VILLAGE = "village_exit.village"
    VILLAGE_EXIT_TOWNSHIP = "village_exit.township"
    VILLAGE_EXIT_COUNTY = "village_exit.county"
    # 两联一包 and 结对帮扶 kept by hand: create, end, reassign.
    LINK_EDIT = "link.edit"
    PAIRING_EDIT = "pairing.edit"
    # County exit (摘帽): the third-party assessment's rounds and answers, and each step of a
    # county's exit by its level (league headquarters acts for the region as well).
    THIRD_PARTY_ASSESS = "third_party.assess"
    COUNTY_EXIT_COUNTY = "county_exit.county"
    COUNTY_EXIT_LEAGUE = "county_exit.league"
    COUNTY_EXIT_REGION = "county_exit.region"
    # The outreach ledgers: lectures, study trips, liaison visits; the township subsidy; the
    # policy document library.
    OUTREACH_EDIT = "outreach.edit"
    SUBSIDY_EDIT = "subsidy.edit"
    POLICY_DOCUMENT_EDIT = "policy_document.edit"
    # Data quality: importing another department's list, and the village's review of a flag.
    QUALITY_LIST_IMPORT = "quality.list_import"
    QUALITY_FLAG_REVIEW = "quality.flag_review"
    # The 回头看 review round: the county opens, closes and publishes it; the village team (or
    # the township officer) records each visit's outcome.
    REVIEW_MANAGE = "review.manage"
    REVIEW_OUTCOME = "review.outcome"


_OFFICES = frozenset({Role.LEAGUE_HQ, Role.COUNTY_OFFICE, Role.TOWNSHIP_OFFICER})
# The levels that handle a concern (village → township → county, and the league above).
_HANDLERS = _OFFICES | {Role.VILLAGE_TEAM}
_PARTY = frozenset({Role.ORGANIZATION, Role.LEAGUE_HQ, Role.TOWNSHIP_OFFICER, Role.VILLAGE_TEAM})

ROLES: dict[Action, frozenset[Role]] = {
    # A visit is the paired cadre's (or the village team's, for its village); the cadre's
    # pairing with the household is checked beside (fupin.fieldwork.permissions).
    Action.VISIT_RECORD: frozenset({Role.VILLAGE_TEAM, Role.PAIRING_CADRE}),
    Action.CHECK_IN_RECORD: frozenset({Role.VILLAGE_TEAM, Role.PAIRING_CADRE}),
    # A flagged check-in (far, no location, reused photo) counts only once the township
    # accepts it with a reason (fupin.fieldwork.services.check_in_accept).
    Action.CHECK_IN_ACCEPT: frozenset({Role.TOWNSHIP_OFFICER}),
    Action.CONCERN_RAISE: _HANDLERS | {Role.PAIRING_CADRE, Role.DEPARTMENT},
    Action.CONCERN_ASSIGN: _HANDLERS,
    # Starting and answering are the handling level's, or the owner's own (checked beside).
    Action.CONCERN_START: _HANDLERS,
    Action.CONCERN_ANSWER: _HANDLERS,
    # The household's word: a signed paper the village team uploads, or the visiting cadre
    # with the household present (the public concern page needs no role).
    Action.CONCERN_FEEDBACK: frozenset({Role.VILLAGE_TEAM, Role.PAIRING_CADRE}),
    Action.CONCERN_ESCALATE: _HANDLERS,
    Action.REVIEW_MEETING_VILLAGE: frozenset({Role.VILLAGE_TEAM}),
    Action.REVIEW_MEETING_TOWNSHIP: frozenset({Role.TOWNSHIP_OFFICER}),
    Action.REVIEW_MEETING_COUNTY: frozenset({Role.COUNTY_OFFICE}),
    Action.CASE_STEP_VILLAGE: frozenset({Role.VILLAGE_TEAM}),
    Action.CASE_STEP_TOWNSHIP: frozenset({Role.TOWNSHIP_OFFICER}),
    Action.CASE_STEP_COUNTY: frozenset({Role.COUNTY_OFFICE}),
    # An objection to a notice is answered by the village team or any office above it.
    Action.OBJECTION_ANSWER: _HANDLERS,
    # An adjustment round (动态调整) is the county's to open and close.
    Action.ROUND_MANAGE: frozenset({Role.COUNTY_OFFICE}),
    Action.REGISTRY_EDIT: _HANDLERS,
    Action.IMPORT_REGISTRY: _OFFICES,
    Action.IMPORT_HISTORICAL: frozenset({Role.LEAGUE_HQ}),
    Action.PARTY_RECORD: _PARTY,
    Action.CADRES_EDIT: frozenset({Role.ORGANIZATION, Role.LEAGUE_HQ, Role.COUNTY_OFFICE}),
    Action.DUTIES_REPORT: _PARTY | {Role.COUNTY_OFFICE},
    Action.COMMAND_EDIT: frozenset({Role.ORGANIZATION, Role.LEAGUE_HQ}),
    Action.LEADERS_EDIT: _PARTY | {Role.COUNTY_OFFICE},
    Action.FUND_EDIT: frozenset({Role.LEAGUE_HQ, Role.COUNTY_OFFICE}),
    Action.COLLECTIVE_EDIT: _HANDLERS,
    Action.SAFETYNET_EDIT: _OFFICES,
    Action.ASSESSMENT_RUN: frozenset({Role.LEAGUE_HQ, Role.COUNTY_OFFICE}),
    Action.REPORT_PUBLISH: frozenset({Role.ORGANIZATION, Role.LEAGUE_HQ, Role.COUNTY_OFFICE}),
    Action.POOR_VILLAGE_DESIGNATE: frozenset({Role.LEAGUE_HQ, Role.COUNTY_OFFICE}),
    Action.VILLAGE_EXIT_VILLAGE: frozenset({Role.VILLAGE_TEAM}),
    Action.VILLAGE_EXIT_TOWNSHIP: frozenset({Role.TOWNSHIP_OFFICER}),
    Action.VILLAGE_EXIT_COUNTY: frozenset({Role.COUNTY_OFFICE}),
    Action.LINK_EDIT: _HANDLERS,
    Action.PAIRING_EDIT: _HANDLERS,
    # The assessors' survey is commissioned above the county it judges: never the county's own.
    Action.THIRD_PARTY_ASSESS: frozenset({Role.LEAGUE_HQ}),
    Action.COUNTY_EXIT_COUNTY: frozenset({Role.COUNTY_OFFICE}),
    Action.COUNTY_EXIT_LEAGUE: frozenset({Role.LEAGUE_HQ}),
    Action.COUNTY_EXIT_REGION: frozenset({Role.LEAGUE_HQ}),
    # Lectures, trips and visits are kept by the offices and village teams where they happen,
    # and by the organisation department, which organises the trips and the leaders' visits.
    Action.OUTREACH_EDIT: _HANDLERS | {Role.ORGANIZATION},
    # The subsidy is pay: the organisation department and the offices that pay it.
    Action.SUBSIDY_EDIT: frozenset({Role.ORGANIZATION, Role.LEAGUE_HQ, Role.COUNTY_OFFICE}),
    Action.POLICY_DOCUMENT_EDIT: frozenset({Role.LEAGUE_HQ, Role.COUNTY_OFFICE}),
    Action.QUALITY_LIST_IMPORT: frozenset({Role.LEAGUE_HQ, Role.COUNTY_OFFICE}),
    Action.QUALITY_FLAG_REVIEW: frozenset({Role.VILLAGE_TEAM}),
    Action.REVIEW_MANAGE: frozenset({Role.LEAGUE_HQ, Role.COUNTY_OFFICE}),
    Action.REVIEW_OUTCOME: frozenset({Role.VILLAGE_TEAM, Role.TOWNSHIP_OFFICER}),
}

# The role sets under the names the views and services used before this table existed.
EDIT_REGISTRY = ROLES[Action.REGISTRY_EDIT]
IMPORT_REGISTRY = ROLES[Action.IMPORT_REGISTRY]
# An export is a read, yet of whole ledgers: the registry's writers and the supervisors.
EXPORT_REGISTRY = EDIT_REGISTRY | {Role.SUPERVISOR}
EDIT_CADRES = ROLES[Action.CADRES_EDIT]
EDIT_DUTIES = ROLES[Action.DUTIES_REPORT]
EDIT_COMMAND = ROLES[Action.COMMAND_EDIT]
EDIT_FUNDS = ROLES[Action.FUND_EDIT]
EDIT_COLLECTIVE = ROLES[Action.COLLECTIVE_EDIT]

# The review meeting each area level holds (village: half-monthly, township: monthly, county:
# quarterly).
REVIEW_MEETING_BY_LEVEL = {
    "village": Action.REVIEW_MEETING_VILLAGE,
    "township": Action.REVIEW_MEETING_TOWNSHIP,
    "county": Action.REVIEW_MEETING_COUNTY,
}


def roles(action: Action | str) -> frozenset[Role]:
    return ROLES[Action(action)]


def allowed(user, action: Action | str, code: str | None = None) -> bool:
    """Tell whether ``user`` holds a role of ``action``: over an area containing ``code``, or
    anywhere when ``code`` is None (to draw a menu). Scope is checked beside, by the caller."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    wanted = roles(action)
    if code is None:
        return user.has_role_anywhere(wanted)
    return user.has_role_at(wanted, code)


def require(user, action: Action | str, code: str | None = None) -> None:
    """Raise PermissionDenied unless :func:`allowed`."""
    if not allowed(user, action, code):
        raise PermissionDenied(MSG_ROLE)


def holders(role: Role | str) -> list[Action]:
    """The actions a role may take, in the table's order."""
    return [action for action, allowed_roles in ROLES.items() if role in allowed_roles]


class Writes:
    """The actions a user may take somewhere, for templates: ``{% if "visit.record" in writes %}``
    draws a menu entry from the same table the services check."""

    def __init__(self, user):
        self.user = user

    def __contains__(self, action: str) -> bool:
        return allowed(self.user, action)
