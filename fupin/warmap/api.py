"""``/api/areas/<code>/warmap/?year=Y``: every figure of the war map, from the same selectors."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers

from fupin.areas.api import (
    BAD_REQUEST,
    CODE_PARAMETER,
    NOT_FOUND,
    YEAR_PARAMETER,
    AreaFigureView,
)
from fupin.areas.scope import scope_safe_class

from . import selectors


def _pct(help_text):
    return serializers.DecimalField(
        max_digits=7, decimal_places=2, coerce_to_string=False, allow_null=True, help_text=help_text
    )


class WarmapFigureSerializer(serializers.Serializer):
    value = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        coerce_to_string=False,
        allow_null=True,
        help_text=_("本年"),
    )
    previous = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        coerce_to_string=False,
        allow_null=True,
        help_text=_("上年"),
    )
    change = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        coerce_to_string=False,
        allow_null=True,
        help_text=_("同比变化"),
    )


class WarmapHeadlineSerializer(serializers.Serializer):
    poor_persons = WarmapFigureSerializer(help_text=_("年末贫困人口"))
    poor_households = WarmapFigureSerializer(help_text=_("年末贫困户"))
    incidence = WarmapFigureSerializer(help_text=_("贫困发生率（%）"))
    identified_persons = WarmapFigureSerializer(help_text=_("当年识别人口"))
    identified_households = WarmapFigureSerializer(help_text=_("当年识别户"))
    exited_persons = WarmapFigureSerializer(help_text=_("当年脱贫人口"))
    exited_households = WarmapFigureSerializer(help_text=_("当年脱贫户"))
    relapsed_persons = WarmapFigureSerializer(help_text=_("当年返贫人口"))
    relapsed_households = WarmapFigureSerializer(help_text=_("当年返贫户"))
    rural_population = WarmapFigureSerializer(help_text=_("农村人口"))


class WarmapChildSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    poor_households = serializers.IntegerField()
    poor_persons = serializers.IntegerField()
    incidence = _pct(_("贫困发生率（%）"))
    identified_households = serializers.IntegerField()
    identified_persons = serializers.IntegerField()
    exited_households = serializers.IntegerField()
    exited_persons = serializers.IntegerField()
    relapsed_households = serializers.IntegerField()
    relapsed_persons = serializers.IntegerField()
    rural_population = serializers.IntegerField()


class WarmapVillageHouseholdSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    head_name = serializers.CharField()
    members = serializers.IntegerField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    poor = serializers.BooleanField()


class WarmapDistributionSerializer(serializers.Serializer):
    child_level = serializers.CharField(help_text=_("下级区划层级（嘎查村为空）"))
    choropleth = serializers.BooleanField(help_text=_("下级为旗县市：按边界着色"))
    children = WarmapChildSerializer(many=True)
    households = WarmapVillageHouseholdSerializer(many=True, help_text=_("嘎查村：本年度各户状态"))


class WarmapCauseSerializer(serializers.Serializer):
    cause = serializers.CharField()
    label = serializers.CharField()
    households = serializers.IntegerField()
    persons = serializers.IntegerField()
    share = _pct(_("户数占比（%）"))


class WarmapCausesSerializer(serializers.Serializer):
    causes = WarmapCauseSerializer(many=True)
    households = serializers.IntegerField()
    persons = serializers.IntegerField()


class WarmapMeasureTypeSerializer(serializers.Serializer):
    type = serializers.CharField()
    label = serializers.CharField()
    measures = serializers.IntegerField()
    done = serializers.IntegerField()
    done_share = _pct(_("完成率（%）"))
    households = serializers.IntegerField()
    coverage = _pct(_("覆盖率（%）"))


class WarmapMeasuresSerializer(serializers.Serializer):
    types = WarmapMeasureTypeSerializer(many=True)
    measures = serializers.IntegerField()
    done = serializers.IntegerField()
    done_share = _pct(_("完成率（%）"))
    households = serializers.IntegerField()
    poor_households = serializers.IntegerField()
    coverage = _pct(_("覆盖率（%）"))


class WarmapCellSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    households = serializers.IntegerField()
    persons = serializers.IntegerField()


class WarmapCountSerializer(serializers.Serializer):
    households = serializers.IntegerField()
    persons = serializers.IntegerField()


class WarmapPlanRowSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.CharField()
    planned = WarmapCellSerializer(many=True)
    unplanned = WarmapCountSerializer()
    exited = WarmapCellSerializer(many=True)


class WarmapPlanTotalSerializer(serializers.Serializer):
    planned = WarmapCellSerializer(many=True)
    exited = WarmapCellSerializer(many=True)
    unplanned = WarmapCountSerializer()


class WarmapExitPlanSerializer(serializers.Serializer):
    planned_years = serializers.ListField(child=serializers.IntegerField())
    exit_years = serializers.ListField(child=serializers.IntegerField())
    rows = WarmapPlanRowSerializer(many=True)
    total = WarmapPlanTotalSerializer()


class WarmapCountyProgressRowSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    assessed = serializers.BooleanField(help_text=_("该年度是否已有摘帽评估"))
    planned_exit_year = serializers.IntegerField(
        allow_null=True, help_text=_("户计划推算的摘帽年度")
    )
    rule_version = serializers.IntegerField(required=False)
    poor_persons = serializers.IntegerField(required=False)
    rural_population = serializers.IntegerField(required=False)
    incidence = _pct(_("综合贫困发生率（%）"))
    incidence_max = _pct(_("标准：发生率低于（%）"))
    incidence_ok = serializers.BooleanField(required=False, allow_null=True)
    missed_rate = _pct(_("漏评率（%）"))
    missed_rate_max = _pct(_("标准：漏评率低于（%）"))
    missed_rate_ok = serializers.BooleanField(required=False, allow_null=True)
    wrong_exit_rate = _pct(_("错退率（%）"))
    wrong_exit_rate_max = _pct(_("标准：错退率低于（%）"))
    wrong_exit_rate_ok = serializers.BooleanField(required=False, allow_null=True)
    approval_rate = _pct(_("群众认可度（%）"))
    approval_min = _pct(_("标准：认可度高于（%）"))
    approval_ok = serializers.BooleanField(required=False, allow_null=True)
    eligible = serializers.BooleanField(required=False)
    reasons = serializers.ListField(child=serializers.CharField(), required=False)


class WarmapCountyProgressSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    counties = WarmapCountyProgressRowSerializer(many=True)


class WarmapSeriesPointSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    identified_persons = serializers.IntegerField(required=False)
    exited_persons = serializers.IntegerField(required=False)
    poor_persons = serializers.IntegerField()
    rural_population = serializers.IntegerField()
    incidence = _pct(_("贫困发生率（%）"))


class WarmapSeriesUnitSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    actual = WarmapSeriesPointSerializer(many=True, help_text=_("历年实际"))
    planned = WarmapSeriesPointSerializer(
        many=True, help_text=_("按计划脱贫年度推算的剩余贫困人口")
    )


class WarmapSeriesSerializer(serializers.Serializer):
    years = serializers.ListField(child=serializers.IntegerField())
    path_years = serializers.ListField(child=serializers.IntegerField())
    units = WarmapSeriesUnitSerializer(many=True)
    area = WarmapSeriesUnitSerializer()


class WarmapDivisionRowSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    target_households = serializers.IntegerField(help_text=_("计划本年脱贫户数"))
    target_persons = serializers.IntegerField(help_text=_("计划本年脱贫人数"))
    exited_households = serializers.IntegerField(help_text=_("本年脱贫户数"))
    exited_persons = serializers.IntegerField(help_text=_("本年脱贫人数"))
    progress = _pct(_("进度 = 脱贫户 ÷ 目标户（%）"))
    leaders = serializers.ListField(
        child=serializers.CharField(), help_text=_("联系领导（前几位）")
    )
    leaders_count = serializers.IntegerField()
    departments = serializers.ListField(
        child=serializers.CharField(), help_text=_("包联部门（前几个）")
    )
    departments_count = serializers.IntegerField()
    tasks = serializers.IntegerField(help_text=_("责任清单任务数"))
    tasks_done = serializers.IntegerField()
    tasks_overdue = serializers.IntegerField()
    duty_score = serializers.DecimalField(
        max_digits=7,
        decimal_places=2,
        coerce_to_string=False,
        allow_null=True,
        help_text=_("清单得分"),
    )
    duty_rank = serializers.IntegerField(allow_null=True)


class WarmapDivisionTotalSerializer(serializers.Serializer):
    target_households = serializers.IntegerField()
    target_persons = serializers.IntegerField()
    exited_households = serializers.IntegerField()
    exited_persons = serializers.IntegerField()
    progress = _pct(_("进度（%）"))
    tasks = serializers.IntegerField()
    tasks_done = serializers.IntegerField()
    tasks_overdue = serializers.IntegerField()


class WarmapDivisionSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    duty_level = serializers.CharField(help_text=_("责任清单的单位层级"))
    rows = WarmapDivisionRowSerializer(many=True)
    total = WarmapDivisionTotalSerializer()


def _yuan(help_text):
    return serializers.DecimalField(
        max_digits=16, decimal_places=2, coerce_to_string=False, help_text=help_text
    )


class WarmapFundSourceSerializer(serializers.Serializer):
    source = serializers.CharField()
    label = serializers.CharField()
    amount = _yuan(_("金额（元）"))


class WarmapFundTypeSerializer(serializers.Serializer):
    type = serializers.CharField()
    label = serializers.CharField()
    amount = _yuan(_("金额（元）"))


class WarmapFundSourceHolderSerializer(serializers.Serializer):
    source = serializers.CharField()
    source_label = serializers.CharField()
    holder = serializers.CharField(help_text=_("持有单位代码"))
    holder_name = serializers.CharField()
    amount = _yuan(_("持有金额（元，扣除下拨）"))


class WarmapFundHolderSerializer(serializers.Serializer):
    holder = serializers.CharField()
    holder_name = serializers.CharField()
    kept = _yuan(_("持有（元）"))
    allocated = _yuan(_("已安排到项目（元）"))
    remainder = _yuan(_("余额（元）"))


class WarmapFundHolderTypeSerializer(serializers.Serializer):
    holder = serializers.CharField()
    holder_name = serializers.CharField()
    type = serializers.CharField()
    type_label = serializers.CharField()
    amount = _yuan(_("金额（元）"))


class WarmapFundTypePlaceSerializer(serializers.Serializer):
    type = serializers.CharField()
    type_label = serializers.CharField()
    place = serializers.CharField(help_text=_("项目所在单位代码（本区划的下一级）"))
    place_name = serializers.CharField()
    amount = _yuan(_("金额（元）"))


class WarmapFundTotalSerializer(serializers.Serializer):
    kept = _yuan(_("持有（元）"))
    allocated = _yuan(_("已安排（元）"))
    remainder = _yuan(_("余额（元）"))


class WarmapFundsSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    sources = WarmapFundSourceSerializer(many=True)
    types = WarmapFundTypeSerializer(many=True)
    source_holder = WarmapFundSourceHolderSerializer(many=True, help_text=_("来源 → 持有单位"))
    holders = WarmapFundHolderSerializer(many=True)
    holder_type = WarmapFundHolderTypeSerializer(many=True, help_text=_("持有单位 → 项目类型"))
    type_place = WarmapFundTypePlaceSerializer(many=True, help_text=_("项目类型 → 项目所在单位"))
    total = WarmapFundTotalSerializer()


class WarmapCommandKindSerializer(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField(required=False)


class WarmapCommandCountySerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    counts = serializers.ListField(child=serializers.IntegerField())


class WarmapCommandTopSerializer(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField()
    name = serializers.CharField()
    leader = serializers.CharField()


class WarmapCommandLineSerializer(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()
    names = serializers.ListField(child=serializers.CharField())


class WarmapCommandChartSerializer(serializers.Serializer):
    top = WarmapCommandTopSerializer(many=True)
    verticals = WarmapCommandLineSerializer(many=True)
    horizontals = WarmapCommandLineSerializer(many=True)
    texts = serializers.DictField(child=serializers.CharField())


class WarmapCommandSerializer(serializers.Serializer):
    counts = serializers.DictField(child=serializers.IntegerField(), help_text=_("各类单元数"))
    kinds = WarmapCommandKindSerializer(many=True)
    counties = WarmapCommandCountySerializer(many=True)
    counted_kinds = WarmapCommandKindSerializer(many=True)
    chart = WarmapCommandChartSerializer()


class WarmapAreaRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.CharField()


class WarmapSerializer(serializers.Serializer):
    area = WarmapAreaRefSerializer()
    year = serializers.IntegerField()
    as_of_year = serializers.IntegerField(help_text=_("系统当前年度"))
    refreshed_at = serializers.DateTimeField(allow_null=True, help_text=_("汇总表最近刷新时间"))
    headline = WarmapHeadlineSerializer()
    distribution = WarmapDistributionSerializer(help_text=_("贫困人口分布图"))
    causes = WarmapCausesSerializer(help_text=_("致贫原因分析图"))
    measures = WarmapMeasuresSerializer(help_text=_("攻坚措施分项图"))
    exit_plan = WarmapExitPlanSerializer(help_text=_("人脱贫计划表"))
    county_progress = WarmapCountyProgressSerializer(help_text=_("县摘帽进度表"))
    series = WarmapSeriesSerializer(help_text=_("历年贫困人口与计划路径"))
    division = WarmapDivisionSerializer(help_text=_("脱贫分工分解图"))
    funds = WarmapFundsSerializer(help_text=_("项目资金分配图"))
    command = WarmapCommandSerializer(help_text=_("作战系统分工图"))


@extend_schema_view(
    get=extend_schema(
        summary=_("挂图作战：区划年度全部图表数据（与页面同一口径）"),
        parameters=[CODE_PARAMETER, YEAR_PARAMETER],
        responses={200: WarmapSerializer, 400: BAD_REQUEST, 404: NOT_FOUND},
    )
)
@scope_safe_class
class AreaWarmapView(AreaFigureView):
    """Every figure of the war map of an area and year (the page's selectors)."""

    def figures(self, user, area, year):
        return WarmapSerializer(selectors.warmap(user, area.code, year)).data
