"""The steps of each kind of case, as data (docs/domain.md §3.1; see docs/identification.md).

A case's ``state`` is the name of the last step it reached; the *next* step is the one after
it in its kind's list. Each step names

* the roles that may take it (checked with ``user.has_role_at(roles, case.village_id)``, so
  a township officer acts on the villages of the township, a county office on the county);
* the record it keeps (the meeting of the democratic review, the township's spot check ...),
  as ``(field, label, type)`` with ``type`` one of ``date``, ``int``, ``text``, ``bool``;
* whether taking it publishes a notice (``publishes``: ``(Notice.Level, Notice.Kind)``);
* which earlier notice step must be over first (``after_notice``): the case may take the step
  only when ``as_of() > ends_on`` of that step's notice and no objection is open.

The first step of every kind is the filing of the case (``case_create``); the last one
completes it and writes the registry (``services._complete``).
"""

from __future__ import annotations

import dataclasses

from django.utils.translation import gettext_lazy as _

from fupin.accounts.actions import Action, roles

from .models import Case, Notice

# Each step is its level's (fupin.accounts.actions, the table of every write).
VILLAGE = roles(Action.CASE_STEP_VILLAGE)
TOWNSHIP = roles(Action.CASE_STEP_TOWNSHIP)
COUNTY = roles(Action.CASE_STEP_COUNTY)
# Who may answer an objection: the village team or anyone above it.
ANSWERS_OBJECTIONS = roles(Action.OBJECTION_ANSWER)
# Who opens and closes an adjustment round: the county office.
ROUNDS = roles(Action.ROUND_MANAGE)

MEETING = (
    ("meeting_date", _("会议日期"), "date"),
    ("attendees", _("参会人数"), "int"),
    ("representatives", _("到会村民代表人数"), "int"),
    ("votes_for", _("赞成票"), "int"),
    ("votes_against", _("反对票"), "int"),
    ("minutes", _("会议纪要"), "text"),
)
SPOT_CHECK = (("spot_check", _("抽查核实情况"), "text"),)
COUNTY_CHECK = (("opinion", _("审定意见"), "text"),)
VERIFICATION = (("verification", _("两委和工作队核实情况"), "text"),)
AGREEMENT = (
    ("agreed_on", _("签字确认日期"), "date"),
    ("signed_by", _("签字人"), "text"),
)


@dataclasses.dataclass(frozen=True)
class Step:
    name: str
    label: str
    roles: frozenset = frozenset()
    record: tuple = ()
    publishes: tuple[str, str] | None = None
    after_notice: str | None = None
    final: bool = False


_REVIEW_CHAIN = (
    Step("applied", _("申请")),
    Step("democratic_review", _("村民代表大会民主评议"), VILLAGE, MEETING),
    Step(
        "village_notice",
        _("村级公示"),
        VILLAGE,
        publishes=(Notice.Level.VILLAGE, Notice.Kind.NOTICE),
    ),
    Step(
        "township_review",
        _("乡镇审核"),
        TOWNSHIP,
        SPOT_CHECK,
        after_notice="village_notice",
    ),
    Step(
        "township_notice",
        _("乡镇公示"),
        TOWNSHIP,
        publishes=(Notice.Level.TOWNSHIP, Notice.Kind.NOTICE),
    ),
    Step("county_review", _("旗县审定"), COUNTY, COUNTY_CHECK, after_notice="township_notice"),
    Step(
        "announced",
        _("旗县公告"),
        COUNTY,
        publishes=(Notice.Level.COUNTY, Notice.Kind.ANNOUNCEMENT),
    ),
    Step("registered", _("登记入库"), COUNTY, final=True),
)

_EXIT_CHAIN = (
    Step("proposed", _("拟退出")),
    Step("democratic_review", _("村民代表大会民主评议"), VILLAGE, MEETING),
    Step("verified", _("两委和工作队核实"), VILLAGE, VERIFICATION),
    Step("household_agreed", _("贫困户签字认可"), VILLAGE, AGREEMENT),
    Step(
        "notice",
        _("村级公示"),
        VILLAGE,
        publishes=(Notice.Level.VILLAGE, Notice.Kind.NOTICE),
    ),
    Step(
        "announced",
        _("旗县公告"),
        COUNTY,
        publishes=(Notice.Level.COUNTY, Notice.Kind.ANNOUNCEMENT),
        after_notice="notice",
    ),
    Step("exited", _("标注脱贫"), COUNTY, final=True),
)

STEPS: dict[str, tuple[Step, ...]] = {
    Case.Kind.IDENTIFICATION: _REVIEW_CHAIN,
    Case.Kind.RELAPSE: _REVIEW_CHAIN,
    Case.Kind.MONITORING: _REVIEW_CHAIN,
    Case.Kind.EXIT: _EXIT_CHAIN,
}


def steps(kind: str) -> tuple[Step, ...]:
    return STEPS[kind]


def first_step(kind: str) -> Step:
    return STEPS[kind][0]


def step(kind: str, name: str) -> Step:
    for candidate in STEPS[kind]:
        if candidate.name == name:
            return candidate
    raise KeyError(f"{kind} has no step {name}")


def _index(kind: str, name: str) -> int:
    return [s.name for s in STEPS[kind]].index(name)


def next_step(kind: str, state: str) -> Step | None:
    chain = STEPS[kind]
    i = _index(kind, state) + 1
    return chain[i] if i < len(chain) else None


def previous_step(kind: str, state: str) -> Step | None:
    i = _index(kind, state)
    return STEPS[kind][i - 1] if i > 0 else None


def label(kind: str, name: str) -> str:
    try:
        return step(kind, name).label
    except KeyError:
        return name
