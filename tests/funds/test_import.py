"""xlsx import of funds, allocations and beneficiaries: all or nothing, every bad row named
with its column and reason, nothing written on refusal, re-import changes nothing; the export
is the import format (export → import is a no-op)."""

from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied

from fupin.funds.importing import (
    ALLOCATIONS,
    BENEFICIARIES,
    COLUMNS,
    FUNDS,
    export_rows,
    import_workbook,
)
from fupin.funds.models import Allocation, Fund, HouseholdShare, Project, VillageShare
from tests.factories import CHANGFA, HADANALA, YINDEER, ZHALAITE, make_user


def _xlsx(tmp_path, kind, rows, name="in.xlsx"):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(COLUMNS[kind])
    for row in rows:
        sheet.append([row.get(c, "") for c in COLUMNS[kind]])
    path = tmp_path / name
    workbook.save(path)
    return path


FUND = {
    "资金名称": "2017年三到村三到户资金",
    "资金来源": "三到村三到户资金",
    "资金级次": "自治区",
    "持有区划代码": ZHALAITE,
    "金额（元）": "100000.00",
    "到位日期": "2017-03-01",
}


def test_funds_import_is_all_or_nothing_and_idempotent(office, tmp_path):
    bad = _xlsx(
        tmp_path,
        FUNDS,
        [
            FUND,
            {**FUND, "资金名称": "乙", "金额（元）": "12.345"},
            {**FUND, "资金名称": "丙", "资金来源": "外援", "持有区划代码": HADANALA[:6]},
            {**FUND, "资金名称": "丁", "持有区划代码": YINDEER},
        ],
    )
    result = import_workbook(bad, actor=office, area_code=ZHALAITE)
    messages = result.messages()
    assert not result.ok and Fund.objects.count() == 0
    assert any(m.startswith("第3行“金额（元）”") and "12.345" in m for m in messages)
    assert any(m.startswith("第4行“资金来源”") and "外援" in m for m in messages)
    assert any(m.startswith("第4行“持有区划代码”") for m in messages)
    assert any(m.startswith("第5行“持有区划代码”") and "盟市或旗县市" in m for m in messages)
    good = _xlsx(tmp_path, FUNDS, [FUND, {**FUND, "资金名称": "乙", "金额（元）": "0.10"}])
    assert import_workbook(good, actor=office, area_code=ZHALAITE).ok
    assert Fund.objects.count() == 2
    assert Fund.objects.get(name="乙").amount == Decimal("0.10")
    again = import_workbook(good, actor=office, area_code=ZHALAITE)
    assert again.ok and again.counts["funds_unchanged"] == 2 and Fund.objects.count() == 2
    changed = _xlsx(tmp_path, FUNDS, [{**FUND, "金额（元）": "5.00"}])
    refused = import_workbook(changed, actor=office, area_code=ZHALAITE)
    assert not refused.ok and "已存在且内容不同" in refused.messages()[0]


def test_allocations_and_beneficiaries_refuse_over_allocation(office, tmp_path, households):
    import_workbook(_xlsx(tmp_path, FUNDS, [FUND]), actor=office, area_code=ZHALAITE)
    row = {
        "资金名称": FUND["资金名称"],
        "资金持有区划代码": ZHALAITE,
        "项目名称": "长发肉牛托管",
        "项目区划代码": CHANGFA,
        "项目类型": "产业基地",
        "金额（元）": "60000",
        "下达日期": "2017-04-01",
    }
    over = _xlsx(tmp_path, ALLOCATIONS, [row, {**row, "下达日期": "2017-04-02"}])
    result = import_workbook(over, actor=office, area_code=ZHALAITE)
    assert not result.ok and Project.objects.count() == 0 and Allocation.objects.count() == 0
    assert "第3行“金额（元）”" in result.messages()[0] and "40,000.00" in result.messages()[0]
    good = _xlsx(tmp_path, ALLOCATIONS, [row])
    assert import_workbook(good, actor=office, area_code=ZHALAITE).ok
    assert (
        import_workbook(good, actor=office, area_code=ZHALAITE).counts["allocations_unchanged"] == 1
    )
    base = {"项目名称": "长发肉牛托管", "项目区划代码": CHANGFA, "嘎查村代码": CHANGFA}
    rows = [
        {**base, "户编号": h.number, "带贫模式": "托管式", "金额（元）": "5000"} for h in households
    ] + [{**base, "金额（元）": "12000"}]
    refused = import_workbook(
        _xlsx(tmp_path, BENEFICIARIES, rows), actor=office, area_code=ZHALAITE
    )
    assert not refused.ok and VillageShare.objects.count() == 0
    assert any("第4行“金额（元）”" in m and "余额 2,000.00 元" in m for m in refused.messages())
    rows[-1]["金额（元）"] = "15000"
    path = _xlsx(tmp_path, BENEFICIARIES, rows)
    assert import_workbook(path, actor=office, area_code=ZHALAITE).ok
    assert HouseholdShare.objects.count() == 3 and VillageShare.objects.get().amount == 15000
    # The export is the import format: importing it again changes nothing.
    for kind in (FUNDS, ALLOCATIONS, BENEFICIARIES):
        exported = list(export_rows(office, kind, ZHALAITE))
        assert exported[0] == COLUMNS[kind]
        rows = [dict(zip(COLUMNS[kind], r, strict=True)) for r in exported[1:]]
        again = import_workbook(
            _xlsx(tmp_path, kind, rows, f"{kind}.xlsx"), actor=office, area_code=ZHALAITE
        )
        assert again.ok and not any(k.endswith("created") and v for k, v in again.counts.items())


def test_template_export_and_error_download(client, office, tmp_path):
    client.force_login(office)
    template = client.get("/funds/import/template/funds.xlsx")
    assert template.status_code == 200
    bad = _xlsx(tmp_path, FUNDS, [{**FUND, "金额（元）": "-1"}])
    with open(bad, "rb") as handle:
        response = client.post(f"/funds/import/?area={ZHALAITE}", {"file": handle})
    assert response.status_code == 400 and "第2行" in response.content.decode()
    errors = client.get("/funds/import/errors/")
    assert errors.status_code == 200
    export = client.get(f"/funds/export/funds.xlsx?area={ZHALAITE}")
    assert export.status_code == 200


# -- The write services: one audit event per file; a refused actor writes nothing ------------


def test_an_import_writes_one_audit_event_with_the_counts(office, tmp_path):
    from fupin.core.audit import FUNDS_IMPORTED
    from fupin.core.models import AuditEvent

    result = import_workbook(_xlsx(tmp_path, FUNDS, [FUND]), actor=office, area_code=ZHALAITE)
    assert result.ok, result.messages()
    event = AuditEvent.objects.get(action=FUNDS_IMPORTED)
    assert (event.user_id, event.target) == (office.pk, ZHALAITE)
    assert event.detail == {"file": "in.xlsx", "funds_created": 1, "funds_unchanged": 0}


@pytest.mark.parametrize(
    ("role", "code"),
    [
        ("supervisor", ZHALAITE),  # a role that may not manage money records
        ("county_office", HADANALA[:6]),  # another county: the import's area is out of scope
    ],
)
def test_the_service_refuses_and_writes_nothing(db, role, code):
    import datetime

    from fupin.core.models import AuditEvent
    from fupin.funds.importing import FundPlan, FundRow
    from fupin.funds.services import funds_import

    row = FundRow(
        number=2,
        problems=[],
        name="甲",
        source="three_to",
        level="region",
        department="",
        holder=ZHALAITE,
        amount=Decimal("1.00"),
        received_on=datetime.date(2017, 3, 1),
        purpose="",
        conditions="",
        parent="",
    )
    plan = FundPlan(new=[(row, ZHALAITE, None)])
    for area_code in (ZHALAITE, code):
        with pytest.raises(PermissionDenied):
            funds_import(actor=make_user(role, code), area_code=area_code, plan=plan, filename="x")
    assert Fund.objects.count() == 0 and Fund.history.count() == 0
    assert not AuditEvent.objects.filter(action__startswith="funds.").exists()
