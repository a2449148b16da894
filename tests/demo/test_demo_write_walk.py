"""Walk every write as every demo role and compare the answers with a table (fupin.accounts.actions).

Every URL whose view accepts POST (declared with ``require_http_methods``/``require_POST``, or
undeclared: such a view must be classified below) is POSTed with empty data and the objects of
长发村 (152223100234) filled into its arguments, as one login of each demo role along the
长发村 chain. Each request runs in a savepoint rolled back after it, so no answer depends on
another. An answer is ``ok`` (2xx, 3xx, or a 400 form error: the permission check passed), 403
or 404; where the walk posts real data (``DATA``), ``ok`` means the write went through, and a form
or service error answers ``err``. A difference from ``EXPECTED`` fails, and so does a write URL missing from it: a new
write view must be added here, with the roles its action allows. The OpenAPI schema's write
operations are walked the same way.
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.urls import get_resolver

from fupin.demo import users
from tests.areas.test_scope_walk import _patterns

pytestmark = pytest.mark.django_db

CHANGFA = users.CHANGFA
COUNTY = CHANGFA[:6]

# One login per role, along 长发村's chain (docs/domain.md §1), and the superuser.
LOGINS = (
    "admin",
    "league_hq-1522",
    "supervisor-1522",
    "organization-1522",
    "county_office-152223",
    "supervisor-152223",
    "township_officer-152223100",
    "village_team-152223100234",
    "pairing_cadre-152223100234",
    "department-152223100234",
)
SHORT = {
    "admin": "admin",
    "league_hq-1522": "hq",
    "supervisor-1522": "sup_l",
    "organization-1522": "org",
    "county_office-152223": "county",
    "supervisor-152223": "sup_c",
    "township_officer-152223100": "town",
    "village_team-152223100234": "village",
    "pairing_cadre-152223100234": "pairing",
    "department-152223100234": "dept",
}

# Undeclared views (no method decorator) that only read: a POST renders them like a GET.
READS = {
    "i18n/setlang/",
    "imports/template/<str:kind>.<str:fmt>",
    "imports/<int:pk>/",
    "imports/<int:pk>/errors.xlsx",
    "my/",
    "concerns/",
    "party/",
    "party/organizations/<int:pk>/",
    "party/meetings/<int:pk>/",
    "party/meetings/<int:pk>/attachment/",
    "party/members/<int:pk>/",
    "party/members/<int:pk>/archive.pdf",
    "party/compliance/",
    "party/compliance/export/",
    "leaders/",
    "leaders/export/",
    "leaders/<int:pk>/",
    "households/<int:pk>/leaders/",
    "api/^areas/$",
    "api/^areas/(?P<code>[0-9]{2,12})/$",
    "api/^households/$",
    "api/^households/(?P<pk>[0-9]+)/$",
}
# Sign-in and sign-out are every user's own, not a record's.
OWN = {"accounts/login/", "accounts/logout/"}

# The object of 长发村 (or its county) each argument names: (app.Model, the area to look in).
OBJECTS = {
    "members/<int:pk>/edit/": ("registry.Member", CHANGFA),
    "cases/<int:pk>/act/": ("identification.Case", CHANGFA),  # see _village_case
    "cases/objections/<int:pk>/answer/": ("identification.Objection", CHANGFA),
    "rounds/<int:pk>/close/": ("identification.AdjustmentRound", COUNTY),
    "notices/<int:pk>/": ("identification.Notice", CHANGFA),
    "households/<int:pk>/plan/": ("registry.Household", CHANGFA),
    "households/<int:pk>/safety-net/": ("registry.Household", CHANGFA),
    "concerns/<int:pk>/": ("fieldwork.Concern", CHANGFA),
    "cadres/<int:pk>/": ("assistance.Cadre", CHANGFA),
    "cadres/<int:pk>/recall/": ("assistance.Cadre", CHANGFA),  # see _serving_post
    "party/organizations/<int:pk>/meetings/new/": ("party.PartyOrganization", CHANGFA),
    "party/members/<int:pk>/entries/": ("party.PartyMember", CHANGFA),
    "party/members/<int:pk>/transfer/": ("party.PartyMember", CHANGFA),
    "duties/tasks/<int:pk>/": ("duties.Task", CHANGFA),
    "funds/<int:pk>/": ("funds.Fund", COUNTY),
    "projects/<int:pk>/": ("funds.Project", COUNTY),
    "leaders/<int:pk>/links/new/": ("leaders.EntrepreneurLeader", COUNTY),
    "leaders/links/<int:pk>/end/": ("leaders.LeaderLink", COUNTY),
    "leaders/links/<int:pk>/income/": ("leaders.LeaderLink", COUNTY),
    # The demo's third-party assessment is Ulanhot's (fupin.demo.counties).
    "counties/rounds/<int:pk>/answer/<int:sample>/": ("counties.AssessmentRound", "152201"),
    "counties/rounds/<int:pk>/complete/": ("counties.AssessmentRound", "152201"),
    "counties/rounds/<int:pk>/import/": ("counties.AssessmentRound", "152201"),
    # The household page's day-to-day forms (fupin.registry.changes, fupin.assistance.link_views).
    "households/<int:pk>/edit/": ("registry.Household", CHANGFA),
    "households/<int:pk>/income/": ("registry.Household", CHANGFA),
    "households/<int:pk>/members/new/": ("registry.Household", CHANGFA),
    "members/<int:pk>/leave/": ("registry.Member", CHANGFA),
    "households/<int:pk>/split/": ("registry.Household", CHANGFA),
    "households/<int:pk>/pairings/new/": ("registry.Household", CHANGFA),
    "households/<int:pk>/pairings/<int:pairing_pk>/end/": ("registry.Household", CHANGFA),
    "households/<int:pk>/pairings/<int:pairing_pk>/reassign/": ("registry.Household", CHANGFA),
    "households/<int:pk>/links/new/": ("registry.Household", CHANGFA),
    "households/<int:pk>/links/<int:link_pk>/end/": ("registry.Household", CHANGFA),
    "households/<int:pk>/links/<int:link_pk>/reassign/": ("registry.Household", CHANGFA),
    "outreach/<str:kind>/<int:pk>/": ("outreach.PolicyLecture", CHANGFA),  # kind: lectures
    "quality/flags/<int:pk>/confirm/": ("quality.Flag", CHANGFA),
    "quality/flags/<int:pk>/dismiss/": ("quality.Flag", CHANGFA),
    "review/<int:pk>/close/": ("review.ReviewRound", COUNTY),
    "review/<int:pk>/publish/": ("review.ReviewRound", COUNTY),
    "review/<int:pk>/found/": ("review.ReviewRound", COUNTY),
    "review/items/<int:pk>/": ("review.ReviewItem", CHANGFA),
}

# Each row: the answers of admin, hq, sup_l, org, county, sup_c, town, village, pairing, dept
# (SHORT's order). Rows where every role gets "ok" take the empty POST through a form error
# before any role check, or are public (the notice's objection form, the public concern form).
# fmt: off
TABLE = {
    "members/<int:pk>/edit/":                      " ok  ok 403 403  ok 403  ok  ok 403 403",
    "imports/":                                    " ok  ok 403 403  ok 403  ok 403 403 403",
    "cases/new/":                                  " ok 403 403 403 403 403 403  ok 403 403",
    "cases/exits-from-assessment/":                " ok 403 403 403 403 403 403  ok 403 403",
    "cases/new/household/":                        " ok 403 403 403 403 403 403  ok 403 403",
    "cases/<int:pk>/act/":                         " ok 403 403 403 403 403 403  ok 403 403",
    "cases/notices/new/":                          " ok 403 403 403  ok 403  ok  ok 403 403",
    "cases/objections/<int:pk>/answer/":           " ok  ok 403 403  ok 403  ok  ok 403 403",
    "rounds/":                                     " ok 403 403 403  ok 403 403 403 403 403",
    "rounds/<int:pk>/close/":                      " ok 403 403 403  ok 403 404 404 404 404",
    "notices/<int:pk>/":                           " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
    "assessment/":                                 " ok  ok 403 403  ok 403 404 404 404 404",
    "compliance/":                                 " ok  ok 403 403  ok 403 404 404 404 404",
    "households/<int:pk>/plan/":                   " ok  ok 403 403  ok 403  ok  ok 403 403",
    "pairings/import/":                            " ok  ok 403 403  ok 403  ok 403 403 403",
    "visits/new/":                                 " ok 403 403 403 403 403 403  ok  ok 403",
    "checkin/":                                    " ok 403 403 403 403 403 403  ok  ok 403",
    "concerns/<int:pk>/":                          " ok  ok 403 403  ok 403  ok  ok 403 403",
    "concerns/new/":                               " ok  ok 403 403  ok 403  ok  ok  ok  ok",
    "concerns/raise/<str:code>/":                  " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
    "concerns/reply/<str:token>/":                 "404 404 404 404 404 404 404 404 404 404",
    "reviews/":                                    " ok 403 403 403 403 403 403  ok 403 403",
    "cadres/<int:pk>/":                            " ok  ok 403  ok  ok 403 403 403 403 403",
    "cadres/<int:pk>/recall/":                     " ok  ok 403  ok  ok 403 403 403 403 403",
    "cadres/evaluations/":                         " ok  ok 403  ok  ok 403 403 403 403 403",
    "party/organizations/<int:pk>/meetings/new/":  " ok  ok 403  ok 403 403  ok  ok 403 403",
    "party/members/<int:pk>/entries/":             " ok  ok 403  ok 403 403  ok  ok 403 403",
    "party/members/<int:pk>/transfer/":            " ok  ok 403  ok 403 403  ok  ok 403 403",
    "duties/tasks/<int:pk>/":                      " ok  ok 403  ok  ok 403  ok  ok 403 403",
    "funds/":                                      " ok  ok 403 403  ok 403 404 404 404 404",
    "funds/<int:pk>/":                             " ok  ok 403 403  ok 403 404 404 404 404",
    "funds/import/":                               " ok  ok 403 403  ok 403 403 403 403 403",
    "projects/":                                   " ok  ok 403 403  ok 403 403 403 403 403",
    "projects/<int:pk>/":                          "404 404 403 403 404 403 403 404 404 404",
    "collective/villages/<str:code>/edit/":        " ok  ok 403 403  ok 403  ok  ok 403 403",
    "collective/import/":                          " ok  ok 403 403  ok 403  ok  ok 403 403",
    "villages/<str:code>/step/":                   " ok 403 403 403 403 403 403  ok 403 403",
    "villages/<str:code>/conditions/":             " ok 403 403 403 403 403 403  ok 403 403",
    "counties/rounds/new/":                        " ok  ok 403 403 403 403 404 404 404 404",
    "counties/rounds/<int:pk>/answer/<int:sample>/": " ok  ok 403 403 404 404 404 404 404 404",
    "counties/rounds/<int:pk>/complete/":          " ok  ok 403 403 404 404 404 404 404 404",
    "counties/rounds/<int:pk>/import/":            " ok  ok 403 403 404 404 404 404 404 404",
    "counties/<str:code>/step/":                   " ok 403 403 403  ok 403 404 404 404 404",
    "households/<int:pk>/safety-net/":             " ok  ok 403 403  ok 403  ok 403 403 403",
    "leaders/new/":                                " ok  ok 403  ok  ok 403  ok  ok 403 403",
    "leaders/<int:pk>/links/new/":                 " ok  ok 403  ok  ok 403  ok  ok 403 403",
    "leaders/links/<int:pk>/end/":                 " ok  ok 403  ok  ok 403  ok  ok 403 403",
    "leaders/links/<int:pk>/income/":              " ok  ok 403  ok  ok 403  ok  ok 403 403",
    "reports/new/":                                " ok  ok 403  ok  ok 403 403 403 403 403",
    "households/<int:pk>/edit/":                   " ok  ok 403 403  ok 403  ok  ok 403 403",
    "households/<int:pk>/income/":                 " ok  ok 403 403  ok 403  ok  ok 403 403",
    "households/<int:pk>/members/new/":            " ok  ok 403 403  ok 403  ok  ok 403 403",
    "members/<int:pk>/leave/":                     " ok  ok 403 403  ok 403  ok  ok 403 403",
    "households/<int:pk>/split/":                  " ok  ok 403 403  ok 403  ok  ok 403 403",
    "households/<int:pk>/pairings/new/":           " ok  ok 403 403  ok 403  ok  ok 403 403",
    "households/<int:pk>/pairings/<int:pairing_pk>/end/":      " ok  ok 403 403  ok 403  ok  ok 403 403",
    "households/<int:pk>/pairings/<int:pairing_pk>/reassign/": " ok  ok 403 403  ok 403  ok  ok 403 403",
    "households/<int:pk>/links/new/":              " ok  ok 403 403  ok 403  ok  ok 403 403",
    "households/<int:pk>/links/<int:link_pk>/end/":            " ok  ok 403 403  ok 403  ok  ok 403 403",
    "households/<int:pk>/links/<int:link_pk>/reassign/":       " ok  ok 403 403  ok 403  ok  ok 403 403",
    # The user's own account and token, and the public forms' captcha: no record, no role.
    "accounts/me/":                                " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
    "accounts/password/":                          " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
    "api/auth/token/":                             " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
    # The field API's writes: an empty body is a 400 before any role check; the roles are
    # walked with real bodies in tests/fieldwork/test_field_api.py.
    "api/visits/":                                 " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
    "api/checkins/":                               " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
    "api/concerns/":                               " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
    "api/photos/":                                 " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
    # The user's own messages marked read (fupin.inbox).
    "inbox/read/":                                 " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
    # The outreach ledgers (outreach.edit), shown with the lectures.
    "outreach/<str:kind>/new/":                    " ok  ok 403  ok  ok 403  ok  ok 403 403",
    "outreach/<str:kind>/<int:pk>/":               " ok  ok 403  ok  ok 403  ok  ok 403 403",
    "outreach/<str:kind>/import/":                 " ok  ok 403  ok  ok 403  ok  ok 403 403",
    # Other departments' lists (quality.list_import) and a flag's review (quality.flag_review).
    "quality/lists/":                              " ok  ok 403 403  ok 403 403 403 403 403",
    "quality/flags/<int:pk>/confirm/":             " ok 403 403 403 403 403 403  ok 403 403",
    "quality/flags/<int:pk>/dismiss/":             " ok 403 403 403 403 403 403  ok 403 403",
    # The 回头看 round (review.manage, review.outcome): the demo's round is closed and published.
    "review/":                                     " ok  ok 403 403  ok 403 403 403 403 403",
    "review/<int:pk>/close/":                      " ok  ok 403 403  ok 403 404 404 404 404",
    "review/<int:pk>/publish/":                    " ok  ok 403 403  ok 403 404 404 404 404",
    "review/<int:pk>/found/":                      " ok 403 403 403 403 403  ok  ok 403 403",
    "review/items/<int:pk>/":                      " ok 403 403 403 403 403  ok  ok 403 403",
    "^captcha/image/(?P<key>\\w+)/$":                "404 404 404 404 404 404 404 404 404 404",
    "^captcha/refresh/$":                          "404 404 404 404 404 404 404 404 404 404",
}
# fmt: on
EXPECTED: dict[str, dict[str, object]] = {
    route: {
        who: int(answer) if answer.isdigit() else answer
        for who, answer in zip(SHORT.values(), row.split(), strict=True)
    }
    for route, row in TABLE.items()
}
# The area each page is asked at (``?area=``): 长发村 unless the page works at county level.
AREA = {"assessment/": COUNTY, "compliance/": COUNTY, "funds/": COUNTY}


def _household_number() -> str:
    from fupin.registry.models import Household

    return Household.objects.filter(village_id=CHANGFA).order_by("pk").first().number


def _serving_post():
    """A resident post in 长发村 still serving, to recall."""
    from fupin.cadres.models import RESIDENT_KINDS, CadrePost

    return (
        CadrePost.objects.filter(area_id=CHANGFA, kind__in=RESIDENT_KINDS, end_date__isnull=True)
        .order_by("pk")
        .first()
    )


def _village_case():
    """An open case of 长发村 whose next step is the village team's."""
    from fupin.accounts.models import User
    from fupin.identification import services
    from fupin.identification.models import Case

    team = User.objects.get(username="village_team-152223100234")
    for case in Case.objects.filter(village_id=CHANGFA, closed_on__isnull=True).order_by("pk"):
        if services.next_action(team, case) is not None:
            return case
    return None


def _free_round_year() -> int:
    """The latest year the county has no adjustment round for (a round opens once a year)."""
    from fupin.core.clock import as_of
    from fupin.identification.models import AdjustmentRound

    taken = set(AdjustmentRound.objects.filter(county_id=COUNTY).values_list("year", flat=True))
    return next(year for year in range(as_of().year, 2012, -1) if year not in taken)


def _active_member():
    from fupin.party.models import PartyMember

    return (
        PartyMember.objects.filter(area__code__startswith=CHANGFA, status=PartyMember.Status.ACTIVE)
        .order_by("pk")
        .first()
    )


def _today() -> str:
    from fupin.core.clock import as_of

    return as_of().isoformat()


# The data posted where an empty POST would stop before the role check, or so that the roles
# allowed really write (built when the walk runs: the demo's objects).
DATA = {
    "compliance/": lambda: {"period_action": "close", "note": "走查"},
    "counties/rounds/new/": lambda: {"county": COUNTY, "year": _today()[:4], "seed": "1"},
    "concerns/<int:pk>/": lambda: {"action": "start"},
    "cases/new/household/": lambda: {
        "kind": "monitoring",
        "household_number": _household_number(),
        "year": _today()[:4],
        "reason": "走查",
    },
    "cases/<int:pk>/act/": lambda: {"decision": "reject", "reason": "走查"},
    "cases/objections/<int:pk>/answer/": lambda: {"result": "dismissed", "answer": "走查"},
    "cases/exits-from-assessment/": lambda: {"village": CHANGFA, "year": int(_today()[:4]) - 1},
    "rounds/": lambda: {"county": COUNTY, "year": _free_round_year()},
    "cadres/<int:pk>/recall/": lambda: {"post": _serving_post().pk, "date": _today()},
    "party/members/<int:pk>/transfer/": lambda: {
        "date": _today(),
        "destination": "外地党组织",
        "reason": "走查",
    },
}
# Where DATA only gets past the form to the role check (the first concern may not be startable).
PAST_THE_FORM = {"concerns/<int:pk>/"}


def _changfa_pairing():
    from fupin.assistance.models import Pairing

    return Pairing.objects.filter(village_id=CHANGFA, end_date__isnull=True).order_by("pk").first()


def _changfa_link():
    from fupin.assistance.models import Link

    # 长发村's own: the village team does not see its township's links.
    return Link.objects.filter(area_id=CHANGFA, end_date__isnull=True).order_by("pk").first()


# The second id of a household page's pairing and link forms: a pairing of the household
# (PICK takes its household), a link of 长发村.
SECOND_IDS = {
    "<int:pairing_pk>": lambda: _changfa_pairing().pk,
    "<int:link_pk>": lambda: _changfa_link().pk,
}


# Objects the walk needs that OBJECTS' first row of the area is not.
def _changfa_lecture():
    """A lecture held at 长发村 (the demo's draw may hold none there)."""
    import datetime

    from fupin.outreach.models import PolicyLecture

    lecture, _created = PolicyLecture.objects.get_or_create(
        area_id=CHANGFA,
        date=datetime.date(2016, 5, 4),
        topic="产业扶贫政策解读",
        defaults={"place": "长发村委会", "speaker": "郑亚辉", "audience": 60},
    )
    return lecture


def _changfa_flag():
    """An open flag on a 长发村 household (the demo's lists may name nobody there)."""
    import datetime

    from fupin.quality.models import Flag
    from fupin.registry.models import Household

    household = Household.objects.filter(village_id=CHANGFA).order_by("number").first()
    flag, _created = Flag.objects.get_or_create(
        kind=Flag.Kind.RECHECK,
        rule_code="walk",
        match_key=household.number,
        defaults={
            "village_id": CHANGFA,
            "household": household,
            "reason": "写入巡检",
            "year": 2017,
            "raised_on": datetime.date(2017, 6, 30),
        },
    )
    return flag


def _changfa_review_item():
    """An item of the demo's 回头看 round at 长发村 (its sample may draw nobody there)."""
    from fupin.registry.models import Household
    from fupin.review.models import ReviewItem, ReviewRound

    household = Household.objects.filter(village_id=CHANGFA).order_by("number").first()
    item, _created = ReviewItem.objects.get_or_create(
        review_round=ReviewRound.objects.get(county_id=COUNTY),
        household=household,
        defaults={"village_id": CHANGFA, "reason": "sample"},
    )
    return item


PICK = {
    "review/<int:pk>/found/": lambda: _changfa_review_item().review_round,
    "review/items/<int:pk>/": _changfa_review_item,
    "quality/flags/<int:pk>/confirm/": _changfa_flag,
    "quality/flags/<int:pk>/dismiss/": _changfa_flag,
    "households/<int:pk>/pairings/<int:pairing_pk>/end/": lambda: _changfa_pairing().household,
    "households/<int:pk>/pairings/<int:pairing_pk>/reassign/": lambda: _changfa_pairing().household,
    "outreach/<str:kind>/<int:pk>/": _changfa_lecture,
    "cases/<int:pk>/act/": _village_case,
    "cadres/<int:pk>/recall/": lambda: _serving_post().cadre,
    "party/members/<int:pk>/transfer/": _active_member,
}


def _methods(callback) -> set[str] | None:
    """The HTTP methods a view declares, or None when it declares none."""
    seen, view = set(), callback
    while view is not None and id(view) not in seen:
        seen.add(id(view))
        if getattr(view, "actions", None):  # a DRF viewset route
            return {method.upper() for method in view.actions}
        view_class = getattr(view, "view_class", None)
        if view_class is not None:
            return {m.upper() for m in view_class.http_method_names if hasattr(view_class, m)}
        for cell in getattr(view, "__closure__", None) or ():
            try:
                value = cell.cell_contents
            except ValueError:
                continue
            if (
                isinstance(value, list | tuple)
                and value
                and all(isinstance(m, str) and m.isupper() for m in value)
            ):
                return set(value)
        view = getattr(view, "__wrapped__", None)
    return None


def write_routes() -> list[str]:
    found = []
    for route, entry, namespaces in _patterns(get_resolver()):
        if "admin" in namespaces[:1] or route in OWN:
            continue
        methods = _methods(entry.callback)
        if methods is None and route in READS:
            continue
        if methods is None or "POST" in methods:
            found.append(route)
    return found


def _fill(route: str) -> str:
    path = route.removeprefix("^").removesuffix("$")
    path = path.replace("<str:token>", "unknown").replace(r"(?P<key>\w+)", "unknown")
    if "<str:code>" in path:
        path = path.replace("<str:code>", COUNTY if route.startswith("counties/") else CHANGFA)
    for name, pick in SECOND_IDS.items():
        if name in path:
            path = path.replace(name, str(pick()))
    path = path.replace("outreach/<str:kind>/", "outreach/lectures/")
    if "<int:pk>" in path:
        label, area = OBJECTS[route]
        model = apps.get_model(label)
        field = getattr(model, "scope_field", "area_id")
        lookup = (
            f"{field.removesuffix('_id')}__code__startswith"
            if field.endswith("_id")
            else (f"{field}__startswith")
        )
        row = (
            PICK[route]()
            if route in PICK
            else model.objects.filter(**{lookup: area}).order_by("pk").first()
        )
        path = path.replace("<int:pk>", str(row.pk if row else 0))
        if "<int:sample>" in path:  # a sampled household of that third-party assessment
            sample = row.samples.order_by("position").first() if row else None
            path = path.replace("<int:sample>", str(sample.pk if sample else 0))
    return "/" + path


def _answer(status: int) -> object:
    if status in (403, 404):
        return status
    if 200 <= status < 400 or status == 400:
        return "ok"
    return status


def _written(response) -> object:
    """A posted write's answer: ``err`` when it came back with a form or service error."""
    from django.contrib.messages import ERROR, get_messages

    answer = _answer(response.status_code)
    if answer != "ok":
        return answer
    errors = [m for m in get_messages(response.wsgi_request) if m.level == ERROR]
    if response.status_code in (200, 400) or errors:
        return "err"
    return answer


def walk(client) -> dict[str, dict[str, object]]:
    from fupin.accounts.models import User

    logins = {u.username: u for u in User.objects.filter(username__in=LOGINS)}
    answers: dict[str, dict[str, object]] = {}
    routes = [
        (route, _fill(route) + f"?area={AREA.get(route, CHANGFA)}") for route in write_routes()
    ]
    # One sign-in per login, not per request (a sign-in writes a session): before each request
    # the client gets the signed-in session's cookie back, in case the last one (a logout, a
    # password change) replaced it; what a request wrote to the session is rolled back with it.
    for username in LOGINS:
        client.force_login(logins[username])
        signed_in = client.cookies[settings.SESSION_COOKIE_NAME].value
        for route, path in routes:
            client.cookies[settings.SESSION_COOKIE_NAME] = signed_in
            # The messages of an earlier answer would ride along in their cookie.
            client.cookies.pop("messages", None)
            with transaction.atomic():
                data = DATA[route]() if route in DATA else {}
                response = client.post(path, data)
                answer = (
                    _written(response)
                    if route in DATA and route not in PAST_THE_FORM
                    else _answer(response.status_code)
                )
                transaction.set_rollback(True)
            answers.setdefault(route, {})[SHORT[username]] = answer
    return answers


def test_every_write_answers_as_the_table_says(client, demo):
    answers = walk(client)
    missing = sorted(set(answers) - set(EXPECTED))
    assert missing == [], f"write URLs missing from EXPECTED: {missing}"
    differences = {
        route: {
            who: (EXPECTED[route].get(who), got)
            for who, got in row.items()
            if EXPECTED[route].get(who) != got
        }
        for route, row in answers.items()
    }
    rows = "\n".join(
        f"{route!r}: {' '.join(f'{answers[route][who]!s:>3}' for who in SHORT.values())!r},"
        for route, difference in differences.items()
        if difference
    )
    assert not rows, f"answers differ from TABLE; the rows as answered:\n{rows}"


# The API's write operations (the OpenAPI schema's POST/PUT/PATCH/DELETE) and each role's
# answer to an empty request: the token is every user's own (a form error without a password,
# and no token to revoke without one).
API_WRITES = {
    ("/api/auth/token/", "post"): "ok",
    ("/api/auth/token/", "delete"): 403,
    # The field writes: an empty body is a 400 naming the fields (tests/fieldwork/test_field_api.py
    # walks the roles with real bodies); the photos take multipart only (415 for JSON).
    ("/api/visits/", "post"): "ok",
    ("/api/checkins/", "post"): "ok",
    ("/api/concerns/", "post"): "ok",
    ("/api/photos/", "post"): 415,
}


def test_every_api_write_answers_as_the_table_says(client, demo):
    from drf_spectacular.generators import SchemaGenerator

    from fupin.accounts.models import User

    schema = SchemaGenerator().get_schema(request=None, public=True)
    writes = {
        (path, method)
        for path, operations in schema["paths"].items()
        for method in operations
        if method in ("post", "put", "patch", "delete")
    }
    assert writes == set(API_WRITES), "a write operation is missing from API_WRITES"
    for username in LOGINS:
        client.force_login(User.objects.get(username=username))
        for (path, method), expected in API_WRITES.items():
            with transaction.atomic():
                response = getattr(client, method)(path, {}, content_type="application/json")
                transaction.set_rollback(True)
            assert _answer(response.status_code) == expected, (username, path, method)
