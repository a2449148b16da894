"""The war map's division, funds and command panels and the three ledgers on the package's small
demo: every figure and every ledger row equals a plain-ORM count of the records, for every
county and 2016/2017; the filters, the xlsx and the scope hold."""

from __future__ import annotations

import io
from collections import Counter, defaultdict
from decimal import Decimal

import openpyxl
from django.db.models import Q
from django.urls import reverse

from fupin.areas.models import Area, Level
from fupin.assistance.models import Link, Measure
from fupin.command import selectors as command_selectors
from fupin.command.models import CommandUnit
from fupin.duties.models import Task
from fupin.duties.selectors import is_done, is_overdue
from fupin.fieldwork.models import CheckIn, Concern, ConcernEvent, ReviewMeeting, Visit
from fupin.funds.models import Allocation, Fund
from fupin.party.models import PartyMeeting
from fupin.registry import codes
from fupin.registry.models import Household, StatusRecord
from fupin.warmap import ledgers, selectors
from tests.factories import CHANGFA, make_user

LEAGUE = "1522"
YEARS = (2016, 2017)


def _counties():
    return list(Area.objects.filter(level=Level.COUNTY, code__startswith=LEAGUE).order_by("code"))


def _active(link, year):
    return link.start_date.year <= year and (link.end_date is None or link.end_date.year >= year)


def test_division_equals_the_households_links_and_duty_lists(demo, admin):
    links = list(Link.objects.select_related("cadre"))
    tasks = list(Task.objects.all())
    seen_target = seen_links = seen_tasks = 0
    for county in _counties():
        for year in YEARS:
            data = selectors.PANELS["division"](admin, county, year)
            assert data["rows"], county.code
            for row in data["rows"]:
                unit = row["code"]
                households = Household.objects.filter(village__code__startswith=unit)
                planned = list(households.filter(planned_exit_year=year))
                exited = list(households.filter(exit_year=year))
                assert row["target_households"] == len(planned)
                assert row["target_persons"] == sum(h.members_count for h in planned)
                assert row["exited_households"] == len(exited)
                assert row["exited_persons"] == sum(h.members_count for h in exited)
                if planned:
                    expected = Decimal(len(exited) * 100) / Decimal(len(planned))
                    assert row["progress"] == expected.quantize(Decimal("0.01"))
                mine = [k for k in links if k.area_id.startswith(unit) and _active(k, year)]
                leaders = {
                    k.cadre_id for k in mine if k.kind == Link.Kind.LEADER_TOWNSHIP and k.cadre_id
                }
                departments = {
                    k.department
                    or (k.cadre.unit if k.cadre else "")
                    or (k.cadre.name if k.cadre else "")
                    for k in mine
                    if k.kind != Link.Kind.LEADER_TOWNSHIP
                } - {""}
                assert row["leaders_count"] == len(leaders), (unit, year)
                assert row["departments_count"] == len(departments), (unit, year)
                own = [t for t in tasks if t.area_id == unit and t.year == year]
                assert row["tasks"] == len(own)
                assert row["tasks_done"] == sum(is_done(t) for t in own)
                assert row["tasks_overdue"] == sum(is_overdue(t) for t in own)
                seen_target += row["target_households"]
                seen_links += row["leaders_count"] + row["departments_count"]
                seen_tasks += row["tasks"]
            total = data["total"]
            assert (
                total["target_households"]
                == Household.objects.filter(
                    village__code__startswith=county.code, planned_exit_year=year
                ).count()
            )
    # The demo has targets, links and duty lists: the comparisons above were not all zeros.
    assert seen_target and seen_links and seen_tasks


def _flows(code, year):
    """Source → holder (amount less transfers down), holder → project type and project type →
    where the project is (one level below ``code``), in Python."""
    funds = list(Fund.objects.filter(area__code__startswith=code, received_on__year=year))
    ids = {f.pk for f in funds}
    kept = defaultdict(Decimal)
    for f in funds:
        kept[(f.source, f.area_id[:6])] += f.amount
    for child in Fund.objects.filter(parent_id__in=ids).select_related("parent"):
        kept[(child.parent.source, child.parent.area_id[:6])] -= child.amount
    to_type, to_place = defaultdict(Decimal), defaultdict(Decimal)
    below = 6 if len(code) == 4 else 9
    for a in Allocation.objects.filter(fund_id__in=ids).select_related("fund", "project"):
        to_type[(a.fund.area_id[:6], a.project.type)] += a.amount
        to_place[(a.project.type, a.project.area_id[:below])] += a.amount
    return {k: v for k, v in kept.items() if v}, dict(to_type), dict(to_place)


def test_funds_flow_equals_the_funds_and_allocations(demo, admin):
    seen = Decimal(0)
    places = set()
    for area in [Area.objects.get(code=LEAGUE)] + _counties():
        code = area.code
        for year in YEARS:
            data = selectors.PANELS["funds"](admin, area, year)
            kept, to_type, to_place = _flows(code, year)
            assert {(r["source"], r["holder"]): r["amount"] for r in data["source_holder"]} == kept
            assert {(r["holder"], r["type"]): r["amount"] for r in data["holder_type"]} == to_type
            assert {(r["type"], r["place"]): r["amount"] for r in data["type_place"]} == to_place
            assert all(r["place_name"] != r["place"] for r in data["type_place"])
            for h in data["holders"]:
                k = sum((v for (s, holder), v in kept.items() if holder == h["holder"]), Decimal(0))
                a = sum(
                    (v for (holder, t), v in to_type.items() if holder == h["holder"]), Decimal(0)
                )
                assert (h["kept"], h["allocated"], h["remainder"]) == (k, a, k - a)
            assert data["total"]["kept"] == sum(kept.values(), Decimal(0))
            assert data["total"]["allocated"] == sum(to_place.values(), Decimal(0))
            seen += data["total"]["allocated"]
            places.update(place for _t, place in to_place)
    assert seen > 0
    # Projects in the league's counties and in the counties' townships were reached.
    assert {len(place) for place in places} >= {6, 9}


def test_command_panel_is_the_command_structure(demo, admin):
    for area in [Area.objects.get(code=LEAGUE)] + _counties():
        code = area.code
        data = selectors.PANELS["command"](admin, area, 2017)
        counts = Counter(
            CommandUnit.objects.filter(area__code__startswith=code).values_list("kind", flat=True)
        )
        assert {k: n for k, n in data["counts"].items() if n} == dict(counts)
        assert {k["kind"]: k["count"] for k in data["kinds"]} == data["counts"]
        # The light overview draws exactly the command page's chart and per-county table.
        full = command_selectors.command_structure(admin, code)
        assert data["chart"]["top"] == full["chart"]["top"]
        assert data["chart"]["verticals"] == full["chart"]["verticals"]
        assert data["chart"]["horizontals"] == full["chart"]["horizontals"]
        assert data["counties"] == full["counties"]


def test_panels_are_on_the_page_with_links_to_their_records(demo, admin, client):
    client.force_login(admin)
    county = _counties()[0]
    html = client.get(
        reverse("warmap:warmap"), {"area": county.code, "year": 2017}
    ).content.decode()
    for panel in ("panel-division", "panel-funds", "panel-command", "chart-command"):
        assert f'id="{panel}"' in html
    hh = reverse("warmap:ledger", args=["households"])
    assert f"{hh}?area={county.code}&year=2017&planned=2018" in html
    assert f"{hh}?area={county.code}&year=2017&exited=2017" in html
    ml = reverse("warmap:ledger", args=["measures"])
    assert f"{ml}?area={county.code}&year=2017&status=done" in html
    assert "command/jing.js" in html
    api = client.get(f"/api/areas/{county.code}/warmap/", {"year": 2017}).json()
    assert (
        api["division"]["total"]["target_households"]
        == Household.objects.filter(
            village__code__startswith=county.code, planned_exit_year=2017
        ).count()
    )


# -- Ledgers ---------------------------------------------------------------------------------


def _ledger(client, ledger, **params):
    response = client.get(reverse("warmap:ledger", args=[ledger]), params)
    assert response.status_code == 200
    return response


def _xlsx(client, ledger, **params):
    response = _ledger(client, ledger, format="xlsx", **params)
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    return rows[0], rows[1:]


def _households(code, year):
    poor = StatusRecord.objects.filter(year=year, status__in=codes.POOR_STATUSES).values(
        "household_id"
    )
    return Household.objects.filter(village__code__startswith=code).filter(
        Q(pk__in=poor) | Q(planned_exit_year=year) | Q(exit_year=year)
    )


def test_household_ledger_rows_and_xlsx_equal_the_households(demo, admin, client):
    client.force_login(admin)
    county = _counties()[0].code
    for year in YEARS:
        expected = set(_households(county, year).values_list("number", flat=True))
        assert expected
        assert _ledger(client, "households", area=county, year=year).context[
            "page"
        ].paginator.count == len(expected)
        header, rows = _xlsx(client, "households", area=county, year=year)
        assert header[:3] == ("户编号", "户主姓名", "嘎查村")
        assert {r[0] for r in rows} == expected
        assert len(rows) == len(expected)
    # The exit-plan table's cells: exactly the households planned (or exited) in that year.
    for key, field in (("planned", "planned_exit_year"), ("exited", "exit_year")):
        wanted = Household.objects.filter(village__code__startswith=county, **{field: 2017})
        _header, rows = _xlsx(client, "households", area=county, year=2017, **{key: 2017})
        assert {r[0] for r in rows} == set(wanted.values_list("number", flat=True))
    # Names, not codes, and dates/years as cadres write them.
    names = set(
        Area.objects.filter(code__startswith=county, level=Level.VILLAGE).values_list(
            "name", flat=True
        )
    )
    assert {r[2] for r in rows} <= names


def test_measure_ledger_and_its_filters(demo, admin, client):
    client.force_login(admin)
    county = _counties()[1].code
    measures = Measure.objects.filter(village__code__startswith=county, year=2017)
    assert measures.exists()
    assert _ledger(client, "measures", area=county, year=2017).context["page"].paginator.count == (
        measures.count()
    )
    kind = measures.values_list("type", flat=True).first()
    header, rows = _xlsx(client, "measures", area=county, year=2017, type=kind, status="done")
    wanted = measures.filter(type=kind, status=Measure.State.DONE)
    assert len(rows) == wanted.count()
    assert header[4] == "措施类型"
    assert Counter(r[0] for r in rows) == Counter(
        wanted.values_list("plan__household__number", flat=True)
    )
    # The war map's measure figures equal the filtered ledger.
    figures = selectors.measures(admin, Area.objects.get(code=county), 2017)
    for m in figures["types"]:
        page = _ledger(client, "measures", area=county, year=2017, type=m["type"])
        assert page.context["page"].paginator.count == m["measures"]


def _work_counts(code, start, end):
    return {
        "visit": Visit.objects.filter(
            village__code__startswith=code, visited_on__range=(start, end)
        ).count(),
        "checkin": CheckIn.objects.filter(
            village__code__startswith=code, day__range=(start, end)
        ).count(),
        "concern_raised": Concern.objects.filter(
            village__code__startswith=code, raised_on__range=(start, end)
        ).count(),
        "concern_closed": ConcernEvent.objects.filter(
            village__code__startswith=code, to_state=Concern.State.CLOSED, day__range=(start, end)
        ).count(),
        "review": ReviewMeeting.objects.filter(
            area__code__startswith=code, held_on__range=(start, end)
        ).count(),
        "party_meeting": PartyMeeting.objects.filter(
            area__code__startswith=code, held_on__range=(start, end)
        ).count(),
    }


def test_work_ledger_counts_each_kind_and_the_date_range(
    demo, admin, client, django_assert_max_num_queries
):
    import datetime

    client.force_login(admin)
    county = _counties()[0].code
    start, end = datetime.date(2017, 1, 1), datetime.date(2017, 12, 31)
    counts = _work_counts(county, start, end)
    assert sum(counts.values())
    page = _ledger(client, "work", area=county, year=2017)
    assert page.context["page"].paginator.count == sum(counts.values())
    for kind, n in counts.items():
        assert (
            _ledger(client, "work", area=county, year=2017, kind=kind)
            .context["page"]
            .paginator.count
            == n
        )
    narrow = _work_counts(county, datetime.date(2017, 3, 1), datetime.date(2017, 3, 31))
    header, rows = _xlsx(
        client, "work", area=county, year=2017, **{"from": "2017-03-01", "to": "2017-03-31"}
    )
    assert header == ("日期", "类别", "人员", "区划", "内容")
    assert len(rows) == sum(narrow.values())
    assert all("2017-03-01" <= r[0] <= "2017-03-31" for r in rows)
    assert [r[0] for r in rows] == sorted((r[0] for r in rows), reverse=True)
    # Page 2 continues page 1 in the same order (the merge of the kinds).
    first = _ledger(client, "work", area=county, year=2017).context["rows"]
    second = _ledger(client, "work", area=county, year=2017, page=2).context["rows"]
    dates = [r["date"] for r in first + second]
    assert dates == sorted(dates, reverse=True)
    assert not {(r["kind"], r["id"]) for r in first} & {(r["kind"], r["id"]) for r in second}
    # The work ledger counts and reads each of its six kinds once (a merge, not a UNION sort),
    # and counts the flagged field records beside it (two queries); every page reads whether
    # data are still being built (one).
    with django_assert_max_num_queries(23):
        _ledger(client, "work", area=county, year=2017, page=2)
    with django_assert_max_num_queries(15):
        _ledger(client, "households", area=county, year=2017)
    with django_assert_max_num_queries(15):
        _ledger(client, "measures", area=county, year=2017)


def test_a_user_of_another_village_sees_none_of_changfas_rows(demo, admin, client):
    changfa = set(Household.objects.filter(village_id=CHANGFA).values_list("number", flat=True))
    changfa_name = Area.objects.get(code=CHANGFA).name
    # 长发村's rows are in the ledgers (for its own users and the league), so the check bites.
    client.force_login(admin)
    _header, rows = _xlsx(client, "households", area=CHANGFA, year=2016)
    assert changfa and {r[0] for r in rows} & changfa
    _header, rows = _xlsx(client, "work", area=CHANGFA, year=2017)
    assert rows and {r[3] for r in rows} == {changfa_name}

    village = (
        Household.objects.filter(village__code__startswith=LEAGUE)
        .exclude(village_id=CHANGFA)
        .values_list("village_id", flat=True)
        .order_by("village_id")
        .first()
    )
    client.force_login(make_user("village_team", village))
    for kind in ledgers.KINDS:
        assert (
            client.get(reverse("warmap:ledger", args=[kind]), {"area": CHANGFA}).status_code == 404
        )
        response = _ledger(client, kind, year=2017)
        assert response.context["area"].code == village
        _header, rows = _xlsx(client, kind, year=2017)
        mine = set(Household.objects.filter(village_id=village).values_list("number", flat=True))
        if kind in ("households", "measures"):
            assert {r[0] for r in rows} <= mine
            assert not {r[0] for r in rows} & changfa
        text = "".join(str(c) for r in rows for c in r)
        assert changfa_name not in text
        assert not any(number in text for number in changfa)
    name = Area.objects.get(code=village).name
    _header, rows = _xlsx(client, "work", year=2017)
    assert {r[3] for r in rows} <= {name}


def test_division_leaders_and_departments_open_the_links_they_count(demo, admin, client):
    client.force_login(admin)
    county = _counties()[0]
    rows = selectors.PANELS["division"](admin, county, 2017)["rows"]
    assert any(r["leaders_count"] or r["departments_count"] for r in rows)
    for row in [r for r in rows if r["leaders_count"] or r["departments_count"]][:3]:
        _h, leaders = _xlsx(client, "links", area=row["code"], year=2017, link="leader")
        assert len({r[2] for r in leaders}) == row["leaders_count"]
        _h, departments = _xlsx(client, "links", area=row["code"], year=2017, link="department")
        assert len({r[3] or r[2] for r in departments}) == row["departments_count"]


def test_an_export_too_large_asks_for_a_narrower_filter(demo, admin, client, monkeypatch):
    client.force_login(admin)
    monkeypatch.setattr(ledgers, "XLSX_MAX", 3)
    response = client.get(
        reverse("warmap:ledger", args=["work"]), {"area": LEAGUE, "year": 2017, "format": "xlsx"}
    )
    assert response.status_code == 400
    assert "请缩小区划或日期范围" in response.content.decode()
