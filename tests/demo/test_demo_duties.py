"""The demo's duty lists and command structure at a small scale: every demo unit has its
list, laggards are overdue at 30 June 2017, 2016 is scored, the ranking agrees with the rows,
the 井 has all six kinds."""

from __future__ import annotations

import datetime

from django.db.models import Count

from fupin.assistance.models import Cadre
from fupin.command.models import CommandMember, CommandUnit, Kind
from fupin.command.selectors import command_structure
from fupin.duties.models import Subject, Task, TaskProgress
from fupin.duties.selectors import ranking
from fupin.registry.models import Household
from tests.demo.snapshots import snapshot_part

AS_OF = datetime.date(2017, 6, 30)


@snapshot_part("duties")
def _snapshot() -> dict:
    return {
        "tasks": list(
            Task.objects.order_by("pk").values_list(
                "area_id", "year", "title", "progress", "score", "owner__name", "deadline"
            )
        ),
        "reports": TaskProgress.objects.count(),
        "units": list(CommandUnit.objects.order_by("pk").values_list("kind", "name", "area_id")),
        "members": CommandMember.objects.count(),
    }


def test_every_demo_unit_has_its_list(demo, db):
    result = demo
    assert Subject.objects.count() == 11
    villages = set(Household.objects.values_list("village_id", flat=True))
    expected = {
        "village": villages,
        "township": {v[:9] for v in villages},
        "county": {v[:6] for v in villages},
    }
    for level, units in expected.items():
        for year in (2016, 2017):
            have = set(
                Task.objects.filter(
                    year=year, duty__subject__level={"county": "banner"}.get(level, level)
                ).values_list("area_id", flat=True)
            )
            assert have == units, (level, year)
    per_subject = Task.objects.values("duty__subject").annotate(n=Count("duty", distinct=True))
    assert all(2 <= r["n"] <= 4 for r in per_subject)
    assert result.duties.tasks == Task.objects.count()
    assert TaskProgress.objects.count() > 2 * Task.objects.count()


def test_progress_is_the_latest_report_and_never_goes_back(demo, db):
    last = {}
    for task_id, percent in TaskProgress.objects.order_by(
        "task_id", "reported_on", "pk"
    ).values_list("task_id", "percent"):
        assert percent >= last.get(task_id, 0)
        last[task_id] = percent
    current = dict(Task.objects.values_list("pk", "progress"))
    assert last == current
    assert not TaskProgress.objects.filter(reported_on__gt=AS_OF).exists()


def test_laggards_overdue_and_2016_scored(demo, db):
    overdue = Task.objects.filter(deadline__lt=AS_OF, progress__lt=100, completed_on=None)
    late_2017 = overdue.filter(year=2017).count()
    due_2017 = Task.objects.filter(year=2017, deadline__lt=AS_OF).count()
    assert 0.03 * due_2017 < late_2017 < 0.3 * due_2017
    assert demo.duties.overdue == overdue.count()
    assert not Task.objects.filter(year=2016, score=None).exists()
    assert not Task.objects.filter(year=2017).exclude(score=None).exists()
    owned = Task.objects.filter(year=2017, duty__subject__name="驻村第一书记")
    assert owned.exclude(owner=None).count() == owned.count()
    assert set(owned.values_list("owner__post", flat=True)) == {Cadre.Post.FIRST_SECRETARY}


def test_village_ranking_agrees_with_the_rows(admin):
    rows = ranking(admin, "1522", "village", 2016)
    ranked = [r for r in rows if r.rank is not None]
    assert len(ranked) == len(set(Household.objects.values_list("village_id", flat=True)))
    for row in ranked[:5] + ranked[-5:]:
        tasks = Task.objects.filter(area_id=row.code, year=2016)
        total = sum(t.score for t in tasks) * 100 / sum(t.weight for t in tasks)
        assert abs(row.score - total) < 0.006
    assert len({r.score for r in ranked}) > 3  # the ranking spreads


def test_command_structure_has_the_six_kinds(admin):
    data = command_structure(admin, "1522")
    counts = data["counts"]
    assert counts[Kind.LEADING_GROUP] == 1 and counts[Kind.HEADQUARTERS] == 1
    villages = set(Household.objects.values_list("village_id", flat=True))
    assert counts[Kind.VERTICAL_WORK_TEAM] == len(villages)
    assert counts[Kind.HORIZONTAL_SUPERVISION] == len({v[:6] for v in villages})
    committees = len({v[:6] for v in villages}) + len({v[:9] for v in villages})
    assert counts[Kind.HORIZONTAL_PARTY_COMMITTEE] == committees
    assert counts[Kind.VERTICAL_DEPARTMENT] > 0
    teams = CommandUnit.objects.filter(kind=Kind.VERTICAL_WORK_TEAM)
    assert not teams.filter(leader=None).exists()
    assert set(teams.values_list("parent__kind", flat=True)) == {
        Kind.VERTICAL_DEPARTMENT,
        Kind.HEADQUARTERS,
    } or set(teams.values_list("parent__kind", flat=True)) == {Kind.VERTICAL_DEPARTMENT}
    assert (
        CommandMember.objects.filter(unit__in=teams).count()
        == Cadre.objects.filter(
            post__in=("first_secretary", "work_team"), area_id__in=villages
        ).count()
    )
