"""The demo's cadre roster at a small scale carries the seed's absolute figures: 4,300多名
reserve cadres sent, the 2016 evaluation 63 / 47 / 46, 80 village secretaries trained,
admonished or adjusted, and the leadership-team structure changes (+40%, +16.3%, +14.3%,
+9.8 pp) — all through the selectors the pages and the API use, and agreeing with counts
made here; work-team warnings catch the exceptions that were made."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Count, Q

from fupin.assistance.models import Cadre
from fupin.cadres import selectors
from fupin.cadres.models import CadrePost, CadreRecord, EndReason, Evaluation, WorkTeam
from fupin.demo import cadres as demo_cadres
from tests.demo.snapshots import SCALE, SEED, snapshot_part

AS_OF = datetime.date(2017, 6, 30)


@snapshot_part("cadres")
def _snapshot() -> dict:
    return {
        "posts": list(
            CadrePost.objects.order_by("pk").values_list(
                "cadre__name", "kind", "area_id", "title", "start_date", "end_date"
            )
        ),
        "evaluations": list(
            Evaluation.objects.order_by("pk").values_list("cadre__name", "score", "outcome")
        ),
        "profiles": list(
            Cadre.objects.order_by("pk").values_list("name", "birth_date", "education")
        ),
    }


def test_the_roster_reset_leaves_the_assistance_cadres(demo, db):
    demo_cadres.demo_cadres_reset()
    # Only the roster's own cadres go; the assistance demo's stay for its reset.
    assert Cadre.objects.count() == demo.assistance.cadres
    assert not CadrePost.objects.exists()
    assert demo_cadres.demo_cadres(seed=SEED, scale=SCALE) == demo.cadres


def test_reserve_cadres_sent(demo, db):
    sent = CadrePost.objects.filter(kind="reserve_cadre")
    assert sent.values("cadre_id").distinct().count() == demo_cadres.RESERVE_CADRES
    assert 4300 <= demo_cadres.RESERVE_CADRES < 4400
    years = {d.year for d in sent.values_list("start_date", flat=True)}
    assert years == {2015, 2016}
    assert demo.cadres.reserve_cadres == demo_cadres.RESERVE_CADRES


def test_evaluation_2016_counts_63_47_46(admin, client):
    counts = selectors.evaluation_counts(admin, "1522", 2016)
    assert (counts.commended, counts.promoted, counts.recalled) == (63, 47, 46)
    independent = dict(
        Evaluation.objects.filter(year=2016).values_list("outcome").annotate(n=Count("pk"))
    )
    assert {k: getattr(counts, k) for k in independent} == independent
    client.force_login(admin)
    body = client.get("/api/areas/1522/evaluations/?year=2016").json()
    assert (body["commended"], body["promoted"], body["recalled"]) == (63, 47, 46)
    # Every recalled cadre has the post ended as recalled and a recall record.
    recalled = Evaluation.objects.filter(year=2016, outcome="recalled").values("cadre_id")
    ended = CadrePost.objects.filter(cadre_id__in=recalled, end_reason=EndReason.RECALLED)
    assert ended.values("cadre_id").distinct().count() == 46
    assert CadreRecord.objects.filter(kind="recall", cadre_id__in=recalled).count() == 46


def test_eighty_village_secretaries_trained_admonished_or_adjusted(demo, db):
    secretaries = CadrePost.objects.filter(kind="village_secretary").values("cadre_id")
    handled = CadreRecord.objects.filter(
        kind__in=("training", "admonishment", "adjustment"), cadre_id__in=secretaries
    )
    assert handled.values("cadre_id").distinct().count() == 80
    adjusted = handled.filter(kind="adjustment").values("cadre_id")
    assert CadrePost.objects.filter(cadre_id__in=adjusted, end_reason="adjusted").count() == (
        adjusted.count()
    )
    # Every village keeps one serving secretary.
    serving = CadrePost.objects.filter(selectors.serving_q(AS_OF), kind="village_secretary")
    per_village = serving.values("area_id").annotate(n=Count("pk"))
    assert {row["n"] for row in per_village} == {1}


def _round(value: Decimal, places: int = 1) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places))


def test_team_structure_reproduces_the_seed(admin, client):
    township = selectors.team_structure(
        admin, "1522", "township", demo_cadres.COMPARE_FROM, demo_cadres.COMPARE_TO
    )
    assert _round(township["under_35"]["change_relative"]) == Decimal("40.0")
    assert _round(township["college"]["change_relative"]) == Decimal("16.3")
    assert _round(township["grassroots_2y"]["change_relative"]) == Decimal("14.3")
    county = selectors.team_structure(
        admin, "1522", "county", demo_cadres.COMPARE_FROM, demo_cadres.COMPARE_TO
    )
    assert _round(county["around_40"]["change_pp"]) == Decimal("9.8")
    # The page shows the same table by default (two years before the as-of date and it).
    client.force_login(admin)
    page = client.get("/cadres/structure/?area=1522")
    assert page.context["data"] == township
    api = client.get("/api/areas/1522/team-structure/?level=county").json()
    assert api["around_40"]["change_pp"] == str(county["around_40"]["change_pp"])


def test_team_structure_agrees_with_independent_counts(admin):
    day = demo_cadres.COMPARE_FROM
    township = selectors.team_structure(admin, "1522", "township", day, AS_OF)
    serving = CadrePost.objects.filter(kind="township_leader", start_date__lte=day).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=day)
    )
    people = Cadre.objects.filter(pk__in=serving.values("cadre_id"))
    assert township["people"]["from"] == people.count()
    young = [
        c
        for c in people.values_list("birth_date", flat=True)
        if (day.year - c.year - ((day.month, day.day) < (c.month, c.day))) < 35
    ]
    assert township["under_35"]["count_from"] == len(young)
    college = people.filter(education__in=Cadre.COLLEGE).count()
    assert township["college"]["count_from"] == college
    assert township["college"]["from"] == _round(Decimal(college * 100) / people.count(), 2)


def test_work_team_warnings_catch_the_exceptions(admin):
    rows = selectors.work_team_warnings(admin, "1522", AS_OF)
    assert rows
    short = {r.team.pk for r in rows if r.members < 3}
    long_enough = {
        r.team.pk for r in rows if selectors.term_too_short(r.team.start_date, r.team.planned_end)
    }
    members = (
        CadrePost.objects.filter(selectors.serving_q(AS_OF), team__isnull=False)
        .values("team_id")
        .annotate(n=Count("cadre_id", distinct=True))
    )
    small = {m["team_id"] for m in members if m["n"] < 3}
    small |= set(
        WorkTeam.objects.exclude(pk__in=[m["team_id"] for m in members]).values_list(
            "pk", flat=True
        )
    )
    assert short == small and short
    brief = set(
        WorkTeam.objects.filter(planned_end__lt=datetime.date(2017, 12, 31)).values_list(
            "pk", flat=True
        )
    )
    assert long_enough == brief and brief
    assert len(rows) < WorkTeam.objects.count() / 2


def test_profiles_filled(demo, db):
    assert not Cadre.objects.filter(birth_date__isnull=True).exists()
    assert not Cadre.objects.filter(education="").exists()
