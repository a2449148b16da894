"""The demo at a small scale: calibration through area_stats, rules, determinism, users."""

from __future__ import annotations

import datetime
import io
from collections import defaultdict
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Sum

from fupin.accounts.models import Role, RoleAssignment, User
from fupin.areas.models import RuralPopulation
from fupin.core.idnumber import parse_id_number
from fupin.demo import generator, services, users
from fupin.demo.generator import POVERTY_LINE, generate, scaled_targets
from fupin.registry import codes
from fupin.registry.models import Household, IncomeRecord, Member, StatusRecord
from fupin.registry.stats import area_stats
from tests.demo.snapshots import PASSWORD, SCALE, SEED, snapshot_part, take_snapshot

AS_OF = datetime.date(2017, 6, 30)
TARGETS = scaled_targets(SCALE)


@pytest.fixture
def superuser(admin):
    return admin


@pytest.fixture(scope="module")
def villages():
    from fupin.areas.services import HINGGAN_DIVISIONS, read_division_file

    return [
        code
        for code, _name, level, _parent in read_division_file(HINGGAN_DIVISIONS)
        if level == "village" and code[-3:] >= "200"
    ]


def test_targets_are_scaled_from_domain_figures():
    assert TARGETS["identified_persons_2014"] == 3680
    assert TARGETS["poor_persons_2016"] == 1620
    assert TARGETS["planned_after_2018"] == 420
    assert TARGETS["planned_after_2019"] == 34
    assert scaled_targets(1)["identified_persons_2014"] == generator.IDENTIFIED_PERSONS_2014


def test_calibration_exact_through_area_stats(superuser):
    assert area_stats(superuser, "1522", 2014).identified_persons == 3680
    assert area_stats(superuser, "1522", 2016).poor_persons == 1620
    exits = {year: area_stats(superuser, "1522", year).exited_persons for year in (2015, 2016)}
    assert exits[2015] == round(generator.EXIT_PERSONS[2015] * SCALE)
    assert exits[2016] > 0
    # 2017 is in progress: nobody has exited yet, the poor are still poor
    assert area_stats(superuser, "1522", 2017).poor_persons == 1620
    population = area_stats(superuser, "1522", 2014).rural_population
    assert population == TARGETS["rural_population"]


def test_exit_plan_matches_public_figures(demo, db):
    poor = Household.objects.filter(status__in=codes.POOR_STATUSES)
    assert not poor.filter(planned_exit_year__isnull=True).exists()
    assert set(poor.values_list("planned_exit_year", flat=True)) <= {2017, 2018, 2019, 2020}

    def persons(**filters):
        return poor.filter(**filters).aggregate(n=Sum("members_count"))["n"] or 0

    assert persons(planned_exit_year__gt=2019) == 34
    assert persons(planned_exit_year__gt=2018) == 420
    assert persons(planned_exit_year__gt=2020) == 0
    # county exit years (docs/domain.md §4): only 科右前旗 and 突泉 keep poor into 2020, none in 乌兰浩特 after 2018
    late = set(poor.filter(planned_exit_year=2020).values_list("village_id", flat=True))
    assert {code[:6] for code in late} <= {"152221", "152224"}
    assert not poor.filter(village__code__startswith="152201", planned_exit_year__gt=2018).exists()
    exited = Household.objects.filter(status__in=codes.EXITED_STATUSES)
    assert not exited.filter(exit_year__isnull=True).exists()
    assert not exited.filter(planned_exit_year__isnull=False).exists()


def test_id_numbers_valid_and_agree_with_members(demo, db):
    rows = list(Member.objects.values_list("id_number", "birth_date", "sex", "village_id"))
    assert len(rows) == len({r[0] for r in rows})
    for number, birth, sex, village in rows:
        info = parse_id_number(number, today=AS_OF)
        assert (info.birth_date, info.sex, info.region) == (birth, sex, village[:6])


def _age(birth: datetime.date) -> int:
    return AS_OF.year - birth.year - ((AS_OF.month, AS_OF.day) < (birth.month, birth.day))


def test_cleaning_rules_hold(demo, db):
    members = defaultdict(list)
    for m in Member.objects.all():
        members[m.household_id].append(m)
    students = {str(s) for s in generator.STUDENT_STATUSES}
    for h in Household.objects.all():
        people = members[h.pk]
        assert len(people) == h.members_count and 1 <= h.members_count <= 7
        assert sum(p.relation == codes.Relation.HEAD for p in people) == 1
        # The query has no order, so PostgreSQL may return the head anywhere in the list.
        head = next(p for p in people if p.relation == codes.Relation.HEAD)
        assert h.head_name == head.name
        causes = {h.main_cause, *h.other_causes}
        if codes.Cause.ILLNESS in causes:
            assert any(p.health in codes.ILL_HEALTH for p in people), h.number
        if codes.Cause.DISABILITY in causes:
            assert any(p.health == codes.Health.DISABLED for p in people), h.number
        if codes.Cause.EDUCATION in causes:
            assert any(p.school_status in students for p in people), h.number
        for p in people:
            age = _age(p.birth_date)
            assert p.labour, p.id_number
            if 6 <= age <= 23:
                assert p.school_status, p.id_number
            if p.relation == codes.Relation.SPOUSE:
                assert p.sex != head.sex
            if p.relation in (codes.Relation.SON, codes.Relation.FATHER, codes.Relation.GRANDSON):
                assert p.sex == "M"
            if p.relation in (codes.Relation.SON, codes.Relation.DAUGHTER):
                assert age < _age(head.birth_date) - 15
            assert 0 <= p.migrant_months <= 12
        if h.status in codes.EXITED_STATUSES:
            assert not h.dangerous_housing and h.safe_water
            assert all(p.medical_insurance for p in people)


def test_income_and_status_rows_reconcile(demo, db):
    sizes = dict(Household.objects.values_list("id", "members_count"))
    status = {(s.household_id, s.year): s for s in StatusRecord.objects.all()}
    assert {s.members_count == sizes[s.household_id] for s in status.values()} == {True}
    for income in IncomeRecord.objects.all():
        per_capita = income.net_income_per_capita
        assert Decimal(0) < per_capita <= Decimal(100000)
        assert income.members_count == sizes[income.household_id]
        year_status = status[income.household_id, income.year].status
        if year_status in codes.POOR_STATUSES:
            assert per_capita < POVERTY_LINE[income.year]
        else:
            assert per_capita > POVERTY_LINE[income.year]


def test_incidence_plausible_per_village(demo, db):
    population = dict(
        RuralPopulation.objects.filter(year=2014).values_list("village_id", "population")
    )
    poor = defaultdict(int)
    for village, n in StatusRecord.objects.filter(year=2014).values_list(
        "village_id", "members_count"
    ):
        poor[village] += n
    assert poor and set(poor) <= set(population)
    for village, persons in poor.items():
        assert persons <= 0.5 * population[village], village


def test_history_rows_for_every_created_row(demo, db):
    for model in (Household, Member, IncomeRecord, StatusRecord):
        created = model.history.filter(history_type="+")
        assert created.count() == model.objects.count()
        assert set(created.values_list("history_change_reason", flat=True)) == {"演示数据建档"}
    exited = Household.objects.filter(status=codes.Status.EXITED).first()
    changes = list(exited.history.order_by("history_date"))
    assert changes[0].status == codes.Status.POOR and changes[-1].status == codes.Status.EXITED
    assert changes[0].history_date.year == exited.identified_year


def test_users_and_scopes(demo, db):
    expected = {
        "league_hq-1522": (Role.LEAGUE_HQ, "1522"),
        "supervisor-1522": (Role.SUPERVISOR, "1522"),
        "organization-1522": (Role.ORGANIZATION, "1522"),
        "township_officer-152223100": (Role.TOWNSHIP_OFFICER, "152223100"),
        "village_team-152223100234": (Role.VILLAGE_TEAM, "152223100234"),
        "pairing_cadre-152223100234": (Role.PAIRING_CADRE, "152223100234"),
        "department-152223100234": (Role.DEPARTMENT, "152223100234"),
    }
    for county in users.COUNTIES:
        expected[f"county_office-{county}"] = (Role.COUNTY_OFFICE, county)
        expected[f"supervisor-{county}"] = (Role.SUPERVISOR, county)
    found = {
        a.user.username: (a.role, a.area_id)
        for a in RoleAssignment.objects.select_related("user").filter(
            user__username__in=list(expected)
        )
    }
    assert found == expected
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.check_password(PASSWORD)
    village = User.objects.get(username="village_team-152223100234")
    assert village.full_name and village.check_password(PASSWORD)
    # 长发村 has a real list for its village team, and the team sees only it
    count = Household.objects.accessible_to(village).count()
    assert 40 <= count <= 120
    assert count == Household.objects.filter(village_id="152223100234").count()


def test_changfa_left_poverty_in_2015_and_2016_as_the_article_tells(superuser):
    figures = {y: area_stats(superuser, "152223100234", y) for y in (2014, 2015, 2016)}
    assert figures[2014].exited_persons == 0
    assert figures[2015].exited_persons > 0 and figures[2016].exited_persons > 0
    assert figures[2016].poor_persons == 0


@snapshot_part("registry")
def _registry_snapshot():
    return list(
        Household.objects.order_by("number").values_list(
            "number", "village_id", "status", "exit_year", "planned_exit_year", "members_count"
        )
    )


def test_the_whole_demo_is_deterministic(demo, db):
    """Rebuilt with the same seed, every part of the demo (each registers a snapshot part)
    writes the same rows."""
    from fupin.assistance.models import Cadre
    from fupin.identification.models import Case, Notice

    services.demo_reset()
    assert not Household.objects.exists() and not Case.objects.exists()
    assert not Notice.objects.exists() and not Cadre.objects.exists()
    services.demo_build(seed=SEED, scale=SCALE, password=PASSWORD)
    again = take_snapshot()
    assert set(again) == set(demo.snapshot)
    for part, rows in demo.snapshot.items():
        assert again[part] == rows, part


def test_determinism(villages):
    first = generate(villages=villages, seed=SEED, scale=SCALE)
    again = generate(villages=villages, seed=SEED, scale=SCALE)
    other = generate(villages=villages, seed=SEED + 1, scale=SCALE)

    def fingerprint(data):
        return [
            (h.number, h.statuses, h.planned_exit_year, [p.id_number for p in h.members])
            for h in data.households
        ]

    assert fingerprint(first) == fingerprint(again)
    assert fingerprint(first) != fingerprint(other)
    for data in (first, other):
        assert sum(h.size for h in data.households if h.identified_year == 2014) == 3680


def test_pick_exact_reaches_target():
    import random

    rng = random.Random(1)
    households = [
        generator.HouseholdSpec(
            number=str(i),
            village="152223100234",
            identified_year=2014,
            members=[None] * rng.randint(1, 7),
        )
        for i in range(300)
    ]
    chosen = generator.pick_exact(rng, households, 500, lambda h: 1.0)
    assert sum(h.size for h in chosen) == 500
    with pytest.raises(generator.DemoCalibrationError):
        generator.pick_exact(rng, households[:3], 10_000, lambda h: 1.0)


def test_command_refuses_if_empty_skips_and_reset_rebuilds(demo, db):
    before = Household.objects.count()
    out = io.StringIO()
    call_command("demo", "--if-empty", stdout=out)
    assert Household.objects.count() == before
    assert "未生成演示数据" in out.getvalue() and "密码未变" in out.getvalue()
    with pytest.raises(CommandError, match="--reset"):
        call_command("demo", stdout=io.StringIO())

    out = io.StringIO()
    call_command(
        "demo", "--reset", "--scale", "0.005", "--seed", "3", "--password", "pw-2", stdout=out
    )
    text = out.getvalue()
    admin = User.objects.get(username="admin")
    assert admin.check_password("pw-2")
    figures = area_stats(admin, "1522", 2014)
    assert figures.identified_persons == scaled_targets(0.005)["identified_persons_2014"]
    assert (
        area_stats(admin, "1522", 2016).poor_persons == scaled_targets(0.005)["poor_persons_2016"]
    )
    assert str(figures.identified_persons) in text and "village_team-152223100234" in text
    assert Member.history.count() == Member.objects.count()
