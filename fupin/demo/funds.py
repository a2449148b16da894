"""The demo's funds, projects, allocations, beneficiaries and dividends.

Construction (deterministic for a seed; amounts in integer fen, written as Decimal yuan):

* **Department assistance**: 104 regional departments (:data:`DEPARTMENTS`) each give the
  league one fund a year in 2014–2017; together exactly :func:`scaled_funds` ``department_yuan``
  (7,550,000,000.00 yuan at full scale, 75.5亿). 95% of each fund is transferred down to the
  counties by their share of the poor; the rest stays with the league, unallocated.
* **三到村三到户** (region) and **integrated** (county) funds are received by each county
  each year.
* **Projects**: per township with households in base construction, an industry base (a cattle
  or sheep base run by a cooperative) started in 2015; per county a tourism village and a
  greenhouse park (2016); per township an infrastructure project (2014–2016). Each is funded by
  allocations taken in date order from the county's funds, the households' projects first (so
  projects draw on several funds, partially, never before the fund arrived).
* **Beneficiaries**: exactly ``base_households`` households (44,000 at full scale) hold a share
  in an industry base, under the menu, trusteeship or asset-income model (each county has all
  three); a further tenth of the households share in the tourism and greenhouse projects.
  Village shares are the household shares plus a collective part.
* **Dividends** for asset-income households in 2015 and 2016. The registry's income rows are
  calibrated (exits depend on them), so a dividend is at most the household's property income
  of that year and is marked ``posted_in_income`` — the income row already contains it; the
  demo changes no income row.
"""

from __future__ import annotations

import dataclasses
import datetime
import random
from collections import defaultdict
from decimal import Decimal

from fupin.areas.models import Area, Level
from fupin.funds.models import (
    Allocation,
    BenefitModel,
    Dividend,
    Fund,
    FundLevel,
    HouseholdShare,
    Project,
    ProjectProgress,
    ProjectType,
    Source,
    VillageShare,
)
from fupin.registry.models import Household, IncomeRecord

from .cases import _first_pk, _reset_sequences, _Rows

LEAGUE = "1522"
AS_OF = datetime.date(2017, 6, 30)
DEPARTMENT_YUAN = 7_550_000_000
BASE_HOUSEHOLDS = 44_000
YEARS = (2014, 2015, 2016, 2017)
DIVIDEND_YEARS = (2015, 2016)
INFRA_STARTS = (datetime.date(2014, 6, 1), datetime.date(2015, 6, 1), datetime.date(2016, 5, 1))
TRANSFER_SHARE = Decimal("0.95")
REASON = "演示数据"
COUNTY_WEIGHT = {
    "152201": 0.045,
    "152202": 0.015,
    "152221": 0.29,
    "152222": 0.25,
    "152223": 0.22,
    "152224": 0.18,
}
_OFFICES = [
    "党委办公厅",
    "人大常委会办公厅",
    "政府办公厅",
    "政协办公厅",
    "纪委监委",
    "党委组织部",
    "党委宣传部",
    "党委统战部",
    "党委政法委",
    "党委政策研究室",
    "机构编制委员会办公室",
    "发展和改革委员会",
    "教育厅",
    "科学技术厅",
    "经济和信息化委员会",
    "民族事务委员会",
    "公安厅",
    "民政厅",
    "司法厅",
    "财政厅",
    "人力资源和社会保障厅",
    "国土资源厅",
    "环境保护厅",
    "住房和城乡建设厅",
    "交通运输厅",
    "水利厅",
    "农牧业厅",
    "林业厅",
    "商务厅",
    "文化厅",
    "卫生和计划生育委员会",
    "审计厅",
    "外事办公室",
    "国资委",
    "地方税务局",
    "工商行政管理局",
    "质量技术监督局",
    "新闻出版广电局",
    "体育局",
    "安全生产监督管理局",
    "食品药品监督管理局",
    "统计局",
    "旅游发展委员会",
    "粮食局",
    "扶贫开发办公室",
    "金融工作办公室",
    "信访局",
    "民委",
    "测绘地理信息局",
    "人防办",
    "档案局",
    "地震局",
    "气象局",
    "供销合作社",
    "总工会",
    "团委",
    "妇联",
    "科协",
    "社科院",
    "党校",
    "农牧业科学院",
    "广播电视台",
    "日报社",
    "邮政管理局",
    "残疾人联合会",
    "红十字会",
    "法院",
    "检察院",
]
_ENTERPRISES = [
    "电力（集团）公司",
    "东部电力公司",
    "农村信用社联合社",
    "伊泰集团",
    "包钢集团",
    "能源发电投资公司",
    "高速公路公司",
    "交通投资集团",
    "国有资产投资公司",
    "出版集团",
    "农业发展银行分行",
    "农业银行分行",
    "工商银行分行",
    "建设银行分行",
    "邮储银行分行",
    "移动通信公司",
    "联通公司",
    "电信公司",
    "烟草专卖局",
    "人寿保险公司",
    "大学",
    "农业大学",
    "工业大学",
    "师范大学",
    "民族大学",
    "医科大学",
    "财经大学",
    "科技大学",
    "医院",
    "国际蒙医医院",
    "中医医院",
    "妇幼保健院",
    "地矿集团",
    "水务投资集团",
    "森工集团",
    "铁路局",
]


def _department_names() -> list[str]:
    names = [f"自治区{o}" for o in _OFFICES] + [f"内蒙古{e}" for e in _ENTERPRISES]
    if len(names) < 104:
        raise ValueError("not enough department names")
    return names[:104]


DEPARTMENTS = _department_names()


def scaled_funds(scale: float) -> dict:
    """The demo's calibration targets at ``scale`` (shared by the demo and its test)."""
    return {
        "departments": len(DEPARTMENTS),
        "department_yuan": Decimal(str(round(DEPARTMENT_YUAN * scale, 2))).quantize(
            Decimal("0.01")
        ),
        "base_households": round(BASE_HOUSEHOLDS * scale),
    }


@dataclasses.dataclass
class FundsResult:
    funds: int = 0
    projects: int = 0
    allocations: int = 0
    village_shares: int = 0
    household_shares: int = 0
    dividends: int = 0
    department_yuan: Decimal = Decimal("0.00")
    base_households: int = 0


MODELS = (Dividend, HouseholdShare, VillageShare, Allocation, ProjectProgress, Project, Fund)


def demo_funds_reset() -> None:
    """Delete what :func:`demo_funds` wrote (raw deletes, history included)."""
    for model in MODELS:
        for manager in (model.history.model._base_manager, model._base_manager):
            qs = manager.all()
            if model is Fund and manager is model._base_manager:
                # Children first: a transfer points at its parent fund.
                child = qs.filter(parent__isnull=False)
                child._raw_delete(child.db)
            qs._raw_delete(qs.db)


def _yuan(fen: int) -> Decimal:
    return Decimal(fen).scaleb(-2).quantize(Decimal("0.01"))


def split(total: int, weights) -> list[int]:
    """Split integer ``total`` proportionally to ``weights`` (largest remainder, exact sum)."""
    weights = list(weights)
    whole = sum(weights)
    exact = [total * w / whole for w in weights]
    parts = [int(e) for e in exact]
    order = sorted(range(len(parts)), key=lambda i: (parts[i] - exact[i], i))
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


def _day(rng, year: int, first_month: int = 1, last_month: int = 12) -> datetime.date:
    month = rng.randint(first_month, last_month)
    return datetime.date(year, month, rng.randint(1, 28))


def _write(model, objs: list, *, when: datetime.datetime) -> list:
    """Insert ``objs`` with explicit keys and their ``+`` history rows, with ``executemany``
    (the ORM's bulk_create spends most of its time building SQL for ~100,000 rows)."""
    rows = _Rows(model, _first_pk(model))
    fields = [f.attname for f in model._meta.concrete_fields if not f.primary_key]
    for obj in objs:
        obj.pk = rows.add(**{name: getattr(obj, name) for name in fields})
    rows.write()
    history = _Rows(model.history.model)
    for obj in objs:
        history.add(
            id=obj.pk,
            **{name: getattr(obj, name) for name in fields},
            history_date=when,
            history_type="+",
            history_change_reason=REASON,
            history_user_id=None,
        )
    history.write()
    _reset_sequences(model)
    return objs


def demo_funds(*, seed: int, scale: float, progress=None) -> FundsResult:
    """Write the demo's funds, projects, beneficiaries and dividends; return their counts."""
    from django.utils import timezone

    say = progress or (lambda message: None)
    rng = random.Random(seed * 7_919 + 6)
    when = timezone.make_aware(datetime.datetime(2017, 6, 30, 18))
    targets = scaled_funds(scale)
    result = FundsResult()
    areas = list(Area.objects.within(LEAGUE).order_by("code").values_list("code", "level", "name"))
    counties = [c for c, lvl, _n in areas if lvl == Level.COUNTY and c in COUNTY_WEIGHT]
    names = {c: n for c, _l, n in areas}
    households = list(
        Household.objects.within(LEAGUE)
        .order_by("pk")
        .values_list("pk", "village_id", "identified_year")
    )

    # --- funds -------------------------------------------------------------------------------
    total_fen = int(targets["department_yuan"] * 100)
    weights = [rng.uniform(0.4, 1.6) * (1 + 0.25 * i) for _d in DEPARTMENTS for i in range(4)]
    amounts = split(total_fen, weights)
    league_funds = []
    for k, fen in enumerate(amounts):
        department, year = DEPARTMENTS[k // 4], YEARS[k % 4]
        league_funds.append(
            Fund(
                name=f"{department}{year}年帮扶资金",
                source=Source.DEPARTMENT,
                level=FundLevel.REGION,
                department=department,
                area_id=LEAGUE,
                amount=_yuan(fen),
                received_on=_day(rng, year, 2, 5),
                purpose="产业扶贫、基础设施建设",
                conditions="专款专用，资金跟着项目走、项目跟着贫困户走",
            )
        )
    league_funds = _write(Fund, league_funds, when=when)
    county_funds = []
    for fund in league_funds:
        down = int(fund.amount * 100 * TRANSFER_SHARE)
        for county, fen in zip(
            counties, split(down, [COUNTY_WEIGHT[c] for c in counties]), strict=True
        ):
            if fen:
                county_funds.append(
                    Fund(
                        name=fund.name,
                        source=fund.source,
                        level=fund.level,
                        department=fund.department,
                        area_id=county,
                        amount=_yuan(fen),
                        received_on=min(
                            AS_OF, fund.received_on + datetime.timedelta(days=rng.randint(10, 40))
                        ),
                        purpose=fund.purpose,
                        conditions=fund.conditions,
                        parent_id=fund.pk,
                    )
                )
    for county in counties:
        for year in YEARS:
            base = COUNTY_WEIGHT[county] * scale * 100
            for source, level, label, millions in (
                (Source.THREE_TO, FundLevel.REGION, "三到村三到户资金", 60),
                (Source.INTEGRATED, FundLevel.COUNTY, "统筹整合财政涉农资金", 120),
            ):
                county_funds.append(
                    Fund(
                        name=f"{names[county]}{year}年{label}",
                        source=source,
                        level=level,
                        area_id=county,
                        amount=_yuan(int(base * millions * 1_000_000 * rng.uniform(0.8, 1.2))),
                        received_on=_day(rng, year, 3, 6),
                        purpose="到村到户产业项目"
                        if source == Source.THREE_TO
                        else "整合用于脱贫攻坚",
                    )
                )
    county_funds = _write(Fund, county_funds, when=when)
    result.funds = len(league_funds) + len(county_funds)
    result.department_yuan = sum((f.amount for f in league_funds), Decimal("0.00"))
    say(f"资金：{result.funds} 笔，区直部门帮扶 {result.department_yuan} 元")

    # --- who benefits ------------------------------------------------------------------------
    by_county = defaultdict(list)
    for pk, village, identified in households:
        by_county[village[:6]].append((pk, village, identified))
    chosen = sorted(
        rng.sample(range(len(households)), min(targets["base_households"], len(households)))
    )
    base = [households[i] for i in chosen]
    base_set = {h[0] for h in base}
    others = [h for h in households if h[0] not in base_set]
    extra = [others[i] for i in sorted(rng.sample(range(len(others)), len(others) // 10))]

    models_cycle = (BenefitModel.MENU, BenefitModel.TRUSTEESHIP, BenefitModel.ASSET_INCOME)
    seen_county_models: dict[str, set] = defaultdict(set)

    def model_for(county: str) -> str:
        missing = [m for m in models_cycle if m not in seen_county_models[county]]
        model = missing[0] if missing else rng.choices(models_cycle, weights=(4, 3, 3))[0]
        seen_county_models[county].add(model)
        return model

    # project key -> {"type", "area", "start", "households": [(pk, village, identified, model, fen)]}
    projects: dict[tuple, dict] = {}

    def project(key, type_, area, name, start, operator=""):
        if key not in projects:
            projects[key] = {
                "type": type_,
                "area": area,
                "name": name,
                "start": start,
                "operator": operator,
                "households": [],
                "villages": set(),
            }
        return projects[key]

    animals = ("肉牛养殖基地", "肉羊养殖基地", "生猪养殖基地", "水稻种植基地", "杂粮种植基地")
    for pk, village, identified in base:
        township = village[:9]
        county = village[:6]
        kind = animals[int(township) % len(animals)]
        p = project(
            ("base", township),
            ProjectType.INDUSTRY_BASE,
            township,
            f"{names.get(township, township)}{kind}",
            datetime.date(2015, 3, 1 + int(township[-2:]) % 28),
            operator=f"{names.get(township, township)}{kind[:2]}养殖专业合作社",
        )
        model = model_for(county)
        fen = {BenefitModel.MENU: 500_000, BenefitModel.TRUSTEESHIP: 600_000}.get(
            model, 100 * rng.choice((5_000, 6_000, 8_000, 10_000))
        )
        p["households"].append((pk, village, identified, model, fen))
        p["villages"].add(village)
    for i, (pk, village, identified) in enumerate(extra):
        county = village[:6]
        type_ = ProjectType.TOURISM if i % 2 else ProjectType.GREENHOUSE
        label = "乡村旅游示范村" if type_ == ProjectType.TOURISM else "设施农业园区"
        p = project(
            (type_, county),
            type_,
            county,
            f"{names[county]}{label}",
            datetime.date(2016, 4, 10),
            operator=f"{names[county]}{label[:4]}开发有限公司",
        )
        p["households"].append((pk, village, identified, model_for(county), 300_000))
        p["villages"].add(village)
    for p in list(projects.values()):
        if p["type"] == ProjectType.INDUSTRY_BASE:
            township = p["area"]
            project(
                ("infra", township),
                ProjectType.INFRASTRUCTURE,
                township,
                f"{names.get(township, township)}村村通硬化路及安全饮水工程",
                INFRA_STARTS[int(township) % len(INFRA_STARTS)],
            )["villages"].update(p["villages"])

    # --- projects, allocations, shares -------------------------------------------------------
    ordered = sorted(projects.items(), key=lambda kv: (kv[1]["start"], kv[0]))
    pool_fen = defaultdict(int)
    for fund in county_funds:
        pool_fen[fund.area_id] += int(fund.amount * 100)
    village_fen: dict[tuple, int] = {}
    need: dict[tuple, int] = {}
    for key, p in ordered:
        if p["type"] == ProjectType.INFRASTRUCTURE:
            continue
        per_village = defaultdict(int)
        for _pk, village, _i, _m, fen in p["households"]:
            per_village[village] += fen
        for village in sorted(p["villages"]):
            # The village keeps a collective part beside its households' shares.
            village_fen[(key, village)] = per_village[village] * 115 // 100
        need[key] = sum(per_village[v] * 115 // 100 for v in p["villages"]) * 105 // 100
    # Infrastructure takes 70% of what each county's funds hold beyond the household projects.
    for county in counties:
        keys = [
            (k, v)
            for k, p in ordered
            if p["type"] == ProjectType.INFRASTRUCTURE and p["area"].startswith(county)
            for v in sorted(p["villages"])
        ]
        spare = pool_fen[county] - sum(
            n for k, n in need.items() if projects[k]["area"].startswith(county)
        )
        if not keys or spare <= 0:
            continue
        parts = split(spare * 7 // 10 * 100 // 105, [rng.uniform(0.5, 1.5) for _k in keys])
        for (key, village), fen in zip(keys, parts, strict=True):
            village_fen[(key, village)] = fen
            need[key] = need.get(key, 0) + fen
    for key in list(need):
        need[key] = (
            need[key]
            if projects[key]["type"] != ProjectType.INFRASTRUCTURE
            else need[key] * 105 // 100
        )
    for key, _p in ordered:
        need.setdefault(key, 0)
    project_rows = []
    for key, p in ordered:
        status = Project.Status.COMPLETED if p["start"].year < 2016 else Project.Status.IN_PROGRESS
        project_rows.append(
            Project(
                name=p["name"],
                type=p["type"],
                area_id=p["area"],
                start_date=p["start"],
                end_date=datetime.date(p["start"].year, 11, 30)
                if status == Project.Status.COMPLETED
                else None,
                budget=_yuan(need[key]),
                status=status,
                operator=p["operator"],
            )
        )
    project_rows = _write(Project, project_rows, when=when)
    pk_of = {key: row.pk for (key, _p), row in zip(ordered, project_rows, strict=True)}
    progress = [
        ProjectProgress(
            project_id=row.pk,
            area_id=row.area_id,
            reported_on=datetime.date(row.start_date.year, 9, 30),
            percent=100 if row.status == Project.Status.COMPLETED else 60,
            note="按计划推进",
        )
        for row in project_rows
    ]
    _write(ProjectProgress, progress, when=when)

    # Allocations: each county's funds in date order, drawn down project by project.
    pools = defaultdict(list)
    for fund in sorted(county_funds, key=lambda f: (f.received_on, f.pk)):
        pools[fund.area_id].append([fund, int(fund.amount * 100)])
    allocations = []
    # The households' projects first, so they get the early funds; infrastructure takes the rest.
    by_priority = sorted(
        ordered, key=lambda kv: (kv[1]["type"] == ProjectType.INFRASTRUCTURE, kv[1]["start"])
    )
    for key, p in by_priority:
        county = p["area"][:6]
        left = need[key]
        pool = pools[county]
        start = p["start"]
        for entry in pool:
            if left <= 0:
                break
            fund, available = entry
            if available <= 0:
                continue
            take = min(left, available)
            entry[1] -= take
            left -= take
            allocations.append(
                Allocation(
                    fund_id=fund.pk,
                    project_id=pk_of[key],
                    area_id=p["area"],
                    amount=_yuan(take),
                    allocated_on=max(fund.received_on, start),
                )
            )
        if left > 0:
            raise ValueError(f"county {county} funds cannot cover project {p['name']}")
    _write(Allocation, allocations, when=when)
    result.allocations = len(allocations)

    shares = [
        VillageShare(project_id=pk_of[key], village_id=village, amount=_yuan(fen))
        for (key, village), fen in sorted(
            village_fen.items(), key=lambda kv: (pk_of[kv[0][0]], kv[0][1])
        )
    ]
    shares = _write(VillageShare, shares, when=when)
    share_pk = {(s.project_id, s.village_id): s.pk for s in shares}
    household_rows = []
    for key, p in ordered:
        for pk, village, identified, model, fen in p["households"]:
            since = max(p["start"], datetime.date(identified, 1, 1))
            household_rows.append(
                HouseholdShare(
                    project_id=pk_of[key],
                    village_share_id=share_pk[(pk_of[key], village)],
                    household_id=pk,
                    village_id=village,
                    benefit_model=model,
                    amount=_yuan(fen),
                    since=since,
                )
            )
    household_rows = _write(HouseholdShare, household_rows, when=when)

    # --- dividends (inside the calibrated property income) ----------------------------------
    asset = [h for h in household_rows if h.benefit_model == BenefitModel.ASSET_INCOME]
    property_income = {
        (h, y): v
        for h, y, v in IncomeRecord.objects.filter(
            household_id__in=[h.household_id for h in asset], year__in=DIVIDEND_YEARS
        ).values_list("household_id", "year", "property_income")
    }
    dividends = []
    for share in asset:
        for year in DIVIDEND_YEARS:
            if share.since.year > year:
                continue
            income = property_income.get((share.household_id, year))
            if not income:
                continue
            amount = min(income, (share.amount * Decimal("0.08")).quantize(Decimal("1")))
            if amount <= 0:
                continue
            dividends.append(
                Dividend(
                    share_id=share.pk,
                    project_id=share.project_id,
                    household_id=share.household_id,
                    village_id=share.village_id,
                    year=year,
                    amount=amount,
                    paid_on=datetime.date(year, 12, 20),
                    kind=Dividend.Kind.PROPERTY,
                    posted_in_income=True,
                )
            )
    _write(Dividend, dividends, when=when)
    result.projects = len(project_rows)
    result.village_shares = len(shares)
    result.household_shares = len(household_rows)
    result.dividends = len(dividends)
    result.base_households = len(base)
    say(
        f"项目：{result.projects} 个，受益户 {result.household_shares} 户次，"
        f"基地建设户 {result.base_households} 户，分红 {result.dividends} 笔"
    )
    return result
