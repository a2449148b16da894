"""The demo's money at a small scale: the seed's figures (104 departments, 7.55 billion yuan
scaled, 44,000 households in base construction scaled) come out of the records through the
pages' selectors; every level reconciles; dividends sit inside the calibrated income."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import F, Sum

from fupin.demo.funds import scaled_funds
from fupin.funds import selectors
from fupin.funds.models import (
    Allocation,
    BenefitModel,
    Dividend,
    Fund,
    HouseholdShare,
    Project,
    ProjectType,
    Source,
    VillageShare,
)
from fupin.registry.models import IncomeRecord
from tests.demo.snapshots import SCALE, snapshot_part


def _yuan(qs) -> str:
    """The sum of a queryset's amounts as the API writes it (yuan, two decimals)."""
    return str((qs.aggregate(s=Sum("amount"))["s"] or Decimal(0)).quantize(Decimal("0.01")))


@snapshot_part("funds")
def _snapshot():
    return {
        "funds": list(
            Fund.objects.order_by("pk").values_list("name", "source", "area_id", "amount")
        ),
        "projects": list(Project.objects.order_by("pk").values_list("name", "area_id", "type")),
        "shares": HouseholdShare.objects.count(),
        "dividends": str(Dividend.objects.aggregate(s=Sum("amount"))["s"]),
    }


def test_department_assistance_matches_the_seed(demo, admin):
    targets = scaled_funds(SCALE)
    department = Fund.objects.filter(source=Source.DEPARTMENT, parent__isnull=True)
    assert department.values("department").distinct().count() == targets["departments"] == 104
    assert department.aggregate(s=Sum("amount"))["s"] == targets["department_yuan"]
    # The league's page figures: what the league received from the departments, all years.
    figures = selectors.area_funds(admin, "1522")
    row = next(r for r in figures["by_source"] if r["source"] == Source.DEPARTMENT)
    assert row["received"] == targets["department_yuan"]
    assert demo.funds.department_yuan == targets["department_yuan"]


def test_households_in_base_construction_match_the_seed(demo, admin):
    expected = scaled_funds(SCALE)["base_households"]
    assert selectors.households_in_base_construction(admin, "1522") == expected
    independent = (
        HouseholdShare.objects.filter(project__type=ProjectType.INDUSTRY_BASE)
        .values("household_id")
        .distinct()
        .count()
    )
    assert independent == expected


def test_every_county_has_projects_under_all_three_models(demo, admin):
    for county in ("152201", "152202", "152221", "152222", "152223", "152224"):
        models = set(
            HouseholdShare.objects.filter(village__code__startswith=county).values_list(
                "benefit_model", flat=True
            )
        )
        assert models == set(BenefitModel.values), county
        assert Project.objects.filter(area__code__startswith=county).exists()


def test_sums_reconcile_fund_to_household_over_the_whole_demo(demo, admin):
    chain = selectors.reconcile(admin, "1522")
    assert chain["over_funds"] == [] and chain["over_projects"] == []
    assert chain["over_village_shares"] == []
    assert chain["received"] >= chain["allocated"] >= chain["village_shared"]
    assert chain["village_shared"] >= chain["household_shared"] > 0
    # Independently: every fund, project and village share within its limit.
    for fund in Fund.objects.all():
        children = Fund.objects.filter(parent=fund).aggregate(s=Sum("amount"))["s"] or 0
        given = fund.allocations.aggregate(s=Sum("amount"))["s"] or 0
        assert children + given <= fund.amount, fund.name
    for project in Project.objects.all():
        held = project.allocations.aggregate(s=Sum("amount"))["s"] or 0
        shared = project.village_shares.aggregate(s=Sum("amount"))["s"] or 0
        paid = project.dividends.aggregate(s=Sum("amount"))["s"] or 0
        assert shared <= held and paid <= held, project.name
    for share in VillageShare.objects.all():
        assert (share.household_shares.aggregate(s=Sum("amount"))["s"] or 0) <= share.amount
    # Money is only counted once: the league received what the funds without parent hold.
    roots = Fund.objects.filter(parent__isnull=True).aggregate(s=Sum("amount"))["s"]
    assert chain["received"] == roots
    assert chain["allocated"] == Allocation.objects.aggregate(s=Sum("amount"))["s"]


def test_api_matches_an_independent_sum(demo, admin, client):
    client.force_login(admin)
    for code, year in (("1522", 2016), ("152223", 2015), ("152223", None)):
        url = f"/api/areas/{code}/funds/" + (f"?year={year}" if year else "")
        data = client.get(url).json()
        funds = Fund.objects.filter(area__code__startswith=code)
        received = funds.exclude(parent__area__code__startswith=code)
        allocations = Allocation.objects.filter(fund__area__code__startswith=code)
        dividends = Dividend.objects.filter(village__code__startswith=code)
        if year:
            received = received.filter(received_on__year=year)
            allocations = allocations.filter(allocated_on__year=year)
            dividends = dividends.filter(year=year)
        assert data["received_yuan"] == _yuan(received)
        assert data["allocated_yuan"] == _yuan(allocations)
        assert data["paid_yuan"] == _yuan(dividends)
        for key in ("received_yuan", "allocated_yuan", "paid_yuan", "balance_yuan"):
            assert sum(Decimal(r[key]) for r in data["by_source"]) == Decimal(data[key])


def test_dividends_sit_inside_the_calibrated_property_income(demo, admin):
    assert set(Dividend.objects.values_list("year", flat=True)) == {2015, 2016}
    assert not Dividend.objects.exclude(share__benefit_model=BenefitModel.ASSET_INCOME).exists()
    assert Dividend.objects.filter(posted_in_income=True).count() == Dividend.objects.count()
    over = Dividend.objects.filter(
        household__incomes__year=F("year"), household__incomes__property_income__lt=F("amount")
    )
    assert not over.exists()
    # Each dividend's household has an income row of that year (nothing was created).
    years = IncomeRecord.objects.filter(
        household_id__in=Dividend.objects.values("household_id")
    ).count()
    assert years >= Dividend.objects.values("household_id").distinct().count()


def test_money_moves_in_time_order(demo, admin):
    as_of = datetime.date(2017, 6, 30)
    assert not Fund.objects.filter(received_on__gt=as_of).exists()
    assert not Allocation.objects.filter(allocated_on__gt=as_of).exists()
    assert not Dividend.objects.filter(paid_on__gt=as_of).exists()
    assert not Allocation.objects.filter(allocated_on__lt=F("fund__received_on")).exists()
    assert not Fund.objects.filter(received_on__lt=F("parent__received_on")).exists()
    # A project pays a year's dividend only from money it held by the end of that year.
    for year in (2015, 2016):
        paying = Dividend.objects.filter(year=year).values_list("project_id", flat=True)
        held = dict(
            Allocation.objects.filter(project_id__in=paying, allocated_on__year__lte=year)
            .values("project_id")
            .annotate(s=Sum("amount"))
            .values_list("project_id", "s")
        )
        paid = dict(
            Dividend.objects.filter(year__lte=year, project_id__in=paying)
            .values("project_id")
            .annotate(s=Sum("amount"))
            .values_list("project_id", "s")
        )
        assert all(held.get(p, 0) >= s for p, s in paid.items()), year
