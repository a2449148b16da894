"""The demo's assistance and field work at a small scale: the coverage and compliance gaps
that were made are reported, consistent with independent counts; closed concerns all have
the household's feedback; deterministic."""

from __future__ import annotations

import datetime
import random
from dataclasses import asdict

from django.db.models import Count, Q

from fupin.areas.models import Area
from fupin.areas.scope import prefixes_q
from fupin.assistance.models import AssistancePlan, Cadre, Link, Measure, Pairing
from fupin.assistance.selectors import coverage
from fupin.demo.assistance import VISIT_KINDS, _visit_draws
from fupin.fieldwork.models import CheckIn, Concern, ConcernEvent, ReviewMeeting, Visit
from fupin.fieldwork.selectors import compliance_counts
from fupin.registry import codes
from fupin.registry.models import Household
from tests.demo.snapshots import SCALE, snapshot_part

AS_OF = datetime.date(2017, 6, 30)


@snapshot_part("assistance")
def _snapshot() -> dict:
    return {
        "cadres": list(
            Cadre.objects.order_by("pk").values_list(
                "name", "area_id", "post", "phone", "party_member"
            )
        ),
        "pairings": list(
            Pairing.objects.order_by("pk").values_list("household__number", "cadre__name")
        ),
        "visits": Visit.objects.count(),
        "last_visits": list(
            Visit.objects.filter(visited_on__gte=AS_OF - datetime.timedelta(days=6))
            .order_by("pk")
            .values_list("household__number", "visited_on", "kind")
        ),
        "checkins": CheckIn.objects.count(),
        "concerns": list(
            Concern.objects.order_by("pk").values_list("village_id", "state", "raised_on", "level")
        ),
        "meetings": ReviewMeeting.objects.count(),
    }


def test_counts_scale(demo, db):
    result = demo.assistance
    assert result.cadres >= 0.95 * 42_000 * SCALE
    pairing_cadres = Pairing.objects.values("cadre_id").distinct().count()
    assert pairing_cadres < result.pairings
    # The cadres who pair (the cadre roster's leaders and secretaries are all Party members).
    pairing = Cadre.objects.filter(pk__in=Pairing.objects.values("cadre_id"))
    assert 0.15 < pairing.filter(party_member=True).count() / pairing.count() < 0.4
    assert result.visits > 20 * result.pairings
    assert Concern.objects.filter(state=Concern.State.CLOSED).count() == round(27_000 * SCALE)


def test_coverage_gaps_match_independent_counts(admin):
    counts = asdict(coverage(admin, "1522", AS_OF).counts)
    assert all(counts[k] > 0 for k in counts), counts
    paired = Pairing.objects.values("household_id")
    poor = Household.objects.filter(status__in=codes.POOR_STATUSES)
    assert counts["households_without_cadre"] == poor.exclude(pk__in=paired).count()
    assert counts["households_without_cadre"] < poor.count() * 0.05
    per_cadre = Pairing.objects.values("cadre_id").annotate(n=Count("pk")).filter(n__gt=5)
    assert counts["cadres_over_cap"] == per_cadre.count()
    linked = Link.objects.filter(kind=Link.Kind.DEPARTMENT_VILLAGE).values("area_id")
    rural = Area.objects.filter(prefixes_q("code", ("1522",)), level="village", participates=True)
    unlinked = [
        c for c in rural.exclude(code__in=linked).values_list("code", flat=True) if c[9:] >= "200"
    ]
    assert counts["villages_without_link"] == len(unlinked)
    townships = Area.objects.filter(prefixes_q("code", ("1522",)), level="township")
    assert Link.objects.filter(kind=Link.Kind.LEADER_TOWNSHIP).count() == townships.count()


def test_plans_for_poor_households(demo, db):
    poor = Household.objects.filter(status__in=codes.POOR_STATUSES)
    plans = AssistancePlan.objects.filter(year=2017)
    assert plans.count() > 0.9 * poor.count()
    assert not Measure.objects.filter(year=2017).exclude(plan__in=plans).exists()


def test_compliance_gaps_match_independent_counts(admin):
    counts = compliance_counts(admin, "1522", "2017-06")
    assert counts.reference_day == AS_OF
    assert counts.pairings_behind > 0
    assert counts.residents_under_20_days > 0
    assert counts.reviews_missed > 0
    assert counts.concerns_overdue > 0
    # Every Monday–Sunday week of June (from 29 May; the last one up to 30 June).
    mondays = [datetime.date(2017, 5, 29) + datetime.timedelta(weeks=i) for i in range(5)]
    weeks = [(m, min(m + datetime.timedelta(days=6), AS_OF)) for m in mondays]
    seen = {
        (c, h, i)
        for c, h, day in Visit.objects.filter(visited_on__gte=weeks[0][0]).values_list(
            "cadre_id", "household_id", "visited_on"
        )
        for i, (a, b) in enumerate(weeks)
        if a <= day <= b
    }
    behind = 0
    for c, h, start, end in Pairing.objects.values_list(
        "cadre_id", "household_id", "start_date", "end_date"
    ):
        behind += any(
            start <= b and (end is None or end >= a) and (c, h, i) not in seen
            for i, (a, b) in enumerate(weeks)
        )
    assert counts.pairings_behind == behind
    june = (
        CheckIn.objects.filter(day__gte=datetime.date(2017, 6, 1))
        .values("cadre_id")
        .annotate(n=Count("day"))
    )
    full = {r["cadre_id"] for r in june if r["n"] >= 20}
    residents = Cadre.objects.filter(post__in=("first_secretary", "work_team"))
    assert counts.residents_under_20_days == residents.exclude(pk__in=full).count()
    overdue = Concern.objects.filter(state__in=Concern.OPEN_STATES, deadline__lt=AS_OF)
    assert counts.concerns_overdue == overdue.count()


def test_closed_concerns_have_feedback(demo, db):
    closed = Concern.objects.filter(state=Concern.State.CLOSED)
    assert closed.count() > 0
    assert not closed.filter(Q(satisfied__isnull=True) | Q(feedback_on__isnull=True)).exists()
    assert not closed.filter(answer="").exists()
    assert ConcernEvent.objects.filter(to_state="closed").count() == closed.count()
    first = closed.order_by("raised_on").first().raised_on
    assert first < AS_OF - datetime.timedelta(days=600)
    escalated = Concern.objects.filter(state__in=Concern.OPEN_STATES).exclude(level="village")
    assert escalated.exists()


def test_visit_draws_are_randranges():
    # The visits' fast draws give the numbers, and leave the generator in the state, of the
    # randrange calls they stand for: the same seed keeps the same visits.
    fast, slow = random.Random(2017), random.Random(2017)
    draws = _visit_draws(fast, 5000)
    expected = "".join(
        f"{slow.randrange(7)}{slow.randrange(len(VISIT_KINDS))}" for _ in range(5000)
    )
    assert draws == expected
    assert fast.getstate() == slow.getstate()
