"""The village exit rule on hand-built data: a village meeting every condition passes, and
each condition failing on its own fails it with that one reason (value and threshold)."""

from decimal import Decimal

import pytest

from fupin.areas.models import RuralPopulation
from fupin.collective.models import CollectiveIncome, Source
from fupin.registry import codes
from fupin.villages.models import CONDITIONS, VillageConditions, VillageExitRules
from fupin.villages.rules import evaluate
from tests.factories import CHANGFA, make_household

pytestmark = pytest.mark.django_db
YEAR = 2016
ALL_MET = {name: True for name, _label in CONDITIONS}


def _village(*, poor_members=2, population=100, income="60000", conditions=None):
    """长发村 in 2016: ``poor_members`` poor persons of ``population``, one income line."""
    if poor_members:
        make_household(CHANGFA, members=poor_members, year=YEAR, status=codes.Status.POOR)
    # An exited household counts in the population, not in the poor.
    make_household(CHANGFA, members=4, year=YEAR, status=codes.Status.EXITED)
    RuralPopulation.objects.create(village_id=CHANGFA, year=2015, population=population)
    if income is not None:
        CollectiveIncome.objects.create(
            village_id=CHANGFA, year=YEAR, source=Source.RESOURCE, amount=Decimal(income)
        )
    VillageConditions.objects.create(
        village_id=CHANGFA, year=YEAR, **(ALL_MET if conditions is None else conditions)
    )


def _failed(result):
    return [check.name for check in result.failed]


def test_a_village_meeting_every_condition_passes():
    _village()
    result = evaluate(CHANGFA, YEAR)
    assert result.passes
    checks = {c.name: c for c in result.checks}
    assert checks["incidence"].value == "2.00%"
    assert checks["incidence"].threshold == "< 3%"
    # The collective economy's threshold of the year (5万元, fupin.collective's seed).
    assert checks["collective_income"].value == "60,000.00"
    assert checks["collective_income"].threshold == "≥ 50,000.00"
    assert [c.name for c in result.checks] == ["incidence", "collective_income"] + [
        name for name, _label in CONDITIONS
    ]


def test_incidence_at_the_limit_fails_alone():
    _village(poor_members=3)
    result = evaluate(CHANGFA, YEAR)
    assert _failed(result) == ["incidence"]
    assert result.failed[0].value == "3.00%"


def test_no_rural_population_fails_the_incidence():
    make_household(CHANGFA, members=2, year=YEAR)
    CollectiveIncome.objects.create(
        village_id=CHANGFA, year=YEAR, source=Source.RESOURCE, amount=Decimal("60000")
    )
    VillageConditions.objects.create(village_id=CHANGFA, year=YEAR, **ALL_MET)
    assert _failed(evaluate(CHANGFA, YEAR)) == ["incidence"]


def test_collective_income_below_the_threshold_fails_alone():
    _village(income="49999.99")
    result = evaluate(CHANGFA, YEAR)
    assert _failed(result) == ["collective_income"]
    assert result.failed[0].value == "49,999.99"


def test_no_collective_income_fails_alone():
    _village(income=None)
    assert _failed(evaluate(CHANGFA, YEAR)) == ["collective_income"]


def test_a_rule_version_with_its_own_income_threshold():
    _village(income="30000")
    rules = VillageExitRules.objects.create(version=2, collective_income_min=Decimal("20000"))
    assert evaluate(CHANGFA, YEAR, rules).passes
    assert VillageExitRules.current() == rules


@pytest.mark.parametrize("condition", [name for name, _label in CONDITIONS])
def test_each_infrastructure_condition_fails_alone(condition):
    _village(conditions={**ALL_MET, condition: False})
    result = evaluate(CHANGFA, YEAR)
    assert _failed(result) == [condition]
    assert result.failed[0].value == "否"


def test_a_condition_the_rule_does_not_require_is_not_checked():
    _village(conditions={**ALL_MET, "broadband": False})
    rules = VillageExitRules.objects.create(version=2, broadband=False)
    result = evaluate(CHANGFA, YEAR, rules)
    assert result.passes
    assert "broadband" not in [c.name for c in result.checks]


def test_no_conditions_record_fails_every_condition():
    _village()
    VillageConditions.objects.all().delete()
    assert _failed(evaluate(CHANGFA, YEAR)) == [name for name, _label in CONDITIONS]
