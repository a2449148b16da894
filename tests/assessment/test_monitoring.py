"""Monitoring (防止返贫监测): flags by rule, idempotent, clearing after six months, the list."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command

from fupin.assessment.models import MonitoredHousehold
from fupin.assessment.services import add_months, monitoring_run
from fupin.registry import codes
from fupin.registry.models import IncomeRecord, Member
from tests.factories import CHANGFA, HADANALA, make_household, make_user

pytestmark = pytest.mark.django_db


def add_income(household, year, per_capita, members=3):
    IncomeRecord.objects.create(
        household=household,
        village_id=household.village_id,
        year=year,
        wage_income=Decimal(per_capita) * members,
        members_count=members,
    )


def exited(village=CHANGFA, *, risk=True, **kw):
    """An exited household; with ``risk`` one member is seriously ill (a risk event)."""
    household = make_household(village, year=2016, status=codes.Status.EXITED, **kw)
    if risk:
        member = household.members.order_by("pk").first()
        member.health = codes.Health.SERIOUS
        member.save()
    return household


def test_unstable_and_sudden_flags_with_reasons():
    unstable = exited()
    add_income(unstable, 2016, 4000)  # < 1.5 × 2,952 = 4,428
    stable = exited()
    add_income(stable, 2016, 5000)
    sudden = exited()
    add_income(sudden, 2015, 8000)
    add_income(sudden, 2016, 5000)  # −37.5 %
    poor = make_household(year=2016)  # not exited: not a monitoring object by these rules
    add_income(poor, 2016, 1000)
    calm = exited(risk=False)  # under the monitoring line with no risk event: not flagged
    add_income(calm, 2016, 4000)
    counts = monitoring_run(year=2016)
    assert counts["unstable"] == 1 and counts["sudden"] == 1 and counts["marginal"] == 0
    flag = MonitoredHousehold.objects.get(household=unstable)
    assert flag.kind == "unstable" and flag.state == "at_risk"
    assert flag.flagged_on == datetime.date(2016, 12, 31)
    assert flag.reasons == [
        "人均纯收入 4,000 元 < 监测线 4,428 元（贫困线 2,952 元 × 1.5）",
        "1 人患大病或残疾",
    ]
    assert not MonitoredHousehold.objects.filter(household=calm).exists()
    drop = MonitoredHousehold.objects.get(household=sudden)
    assert drop.kind == "sudden"
    assert drop.reasons == ["人均纯收入由 8,000 元降至 5,000 元，降幅 37.50%"]
    assert not MonitoredHousehold.objects.filter(household__in=[stable, poor]).exists()


def test_idempotent_rerun():
    household = exited()
    add_income(household, 2016, 4000)

    def rows():
        return list(
            MonitoredHousehold.objects.values_list(
                "household_id", "kind", "year", "flagged_on", "reasons", "state", "cleared_on"
            )
        )

    monitoring_run(year=2016)
    first = rows()
    monitoring_run(year=2016)
    assert rows() == first and len(first) == 1


def test_clearing_after_six_months_above_the_line(settings):
    household = exited()
    add_income(household, 2016, 4000)
    add_income(household, 2017, 3500)  # > 3,335, the line of 2017
    settings.FUPIN_AS_OF = "2017-06-29"
    monitoring_run(year=2016)
    assert MonitoredHousehold.objects.get().state == "at_risk"
    settings.FUPIN_AS_OF = "2017-06-30"
    counts = monitoring_run(year=2016)
    flag = MonitoredHousehold.objects.get()
    assert counts["cleared"] == 1 and flag.state == "cleared"
    assert flag.cleared_on == datetime.date(2017, 6, 30)
    assert flag.cleared_reason == "2017 年人均纯收入 3,500 元 > 贫困线 3,335 元，且三保障达标"


def test_no_clearing_without_the_guarantees_or_the_income(settings):
    uninsured = exited()
    add_income(uninsured, 2016, 4000)
    add_income(uninsured, 2017, 3500)
    Member.objects.filter(household=uninsured).update(medical_insurance=False)
    low = exited()
    add_income(low, 2016, 4000)
    add_income(low, 2017, 3000)
    settings.FUPIN_AS_OF = "2018-01-01"
    monitoring_run(year=2016)
    assert set(MonitoredHousehold.objects.values_list("state", flat=True)) == {"at_risk"}


def test_add_months():
    assert add_months(datetime.date(2016, 12, 31), 6) == datetime.date(2017, 6, 30)
    assert add_months(datetime.date(2016, 8, 31), 6) == datetime.date(2017, 2, 28)


def test_command_and_list_page_scoped(client, capsys):
    mine = exited(head_name="监测户甲")
    add_income(mine, 2016, 4000)
    other = exited(HADANALA, head_name="监测户乙")
    add_income(other, 2016, 4000)
    call_command("monitor", "--year", "2016")
    assert "脱贫不稳定户 2 户" in capsys.readouterr().out
    client.force_login(make_user("village_team", CHANGFA))
    page = client.get("/monitoring/?kind=unstable&year=2016").content.decode()
    assert mine.number in page and other.number not in page
    assert "监测线 4,428 元" in page
    assert mine.number not in client.get("/monitoring/?state=cleared").content.decode()
    assert client.get(f"/monitoring/?area={HADANALA}").status_code == 404


def test_each_risk_event_with_the_line_flags_and_names_itself():
    fell = exited(risk=False)
    add_income(fell, 2015, 4800)
    add_income(fell, 2016, 4000)  # −16.67 %: a risk event (≥ 10 %), not a sudden drop (≥ 30 %)
    housing = exited(risk=False, dangerous_housing=True)
    add_income(housing, 2016, 4000)
    water = exited(risk=False, safe_water=False)
    add_income(water, 2016, 4000)
    uninsured = exited(risk=False)
    Member.objects.filter(household=uninsured).update(medical_insurance=False)
    add_income(uninsured, 2016, 4000)
    slight = exited(risk=False)
    add_income(slight, 2015, 4200)
    add_income(slight, 2016, 4000)  # −4.76 %: under the 10 % of a risk event
    monitoring_run(year=2016)
    reasons = {f.household_id: f.reasons[1:] for f in MonitoredHousehold.objects.all()}
    assert reasons == {
        fell.pk: ["人均纯收入较上年下降 16.67%"],
        housing.pk: ["住房为危房"],
        water.pk: ["饮水不安全"],
        uninsured.pk: ["3 人未参加基本医疗保险"],
    }


def test_income_alone_flags_when_the_rule_set_says_so():
    from fupin.assessment.models import RuleSet

    calm = exited(risk=False)
    add_income(calm, 2016, 4000)
    monitoring_run(year=2016)
    assert not MonitoredHousehold.objects.exists()
    RuleSet.objects.create(version=RuleSet.next_version(), monitor_needs_risk=False)
    monitoring_run(year=2016)
    assert MonitoredHousehold.objects.get().household == calm


def test_page_shows_how_many_households_each_rule_flags(client):
    for _ in range(2):
        add_income(exited(), 2016, 4000)
    sudden = exited(risk=False)
    add_income(sudden, 2015, 8000)
    add_income(sudden, 2016, 5000)
    add_income(exited(risk=False), 2016, 4000)  # no risk event: counted nowhere
    monitoring_run(year=2016)
    client.force_login(make_user("county_office", "152223"))
    page = client.get("/monitoring/?year=2016").content.decode()
    assert 'id="rule-counts"' in page
    for kind, n in (("unstable", 2), ("sudden", 1), ("marginal", 0)):
        row = page.split(f'data-kind="{kind}"')[1].split("</tr>")[0]
        assert f'data-stat="households">{n}<' in row
