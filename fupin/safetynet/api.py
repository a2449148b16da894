"""``/api/areas/<code>/safety-net/?year=Y``: persons per policy (and the distinct total) and
the gaps of each rule, the figures of the safety-net page. Default year: the year in progress.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers

from fupin.areas.api import (
    BAD_REQUEST,
    CODE_PARAMETER,
    NOT_FOUND,
    AreaFigureView,
    year_parameter,
)
from fupin.areas.scope import scope_safe_class

from .selectors import default_year, gap_counts, policy_counts


class PolicyFiguresSerializer(serializers.Serializer):
    persons = serializers.IntegerField(help_text=_("享受该政策的人数（去重）"))
    amount_yuan = serializers.DecimalField(
        max_digits=16, decimal_places=2, help_text=_("金额合计（元）")
    )


class GapsSerializer(serializers.Serializer):
    student = serializers.IntegerField(help_text=_("在校生未享受教育资助的人数"))
    ill = serializers.IntegerField(help_text=_("大病或残疾未享受健康扶贫的人数"))
    low_income = serializers.IntegerField(help_text=_("低保户成员未纳入低保兜底的人数"))
    extreme = serializers.IntegerField(help_text=_("特困户成员未纳入特困供养的人数"))


class SafetyNetSerializer(serializers.Serializer):
    code = serializers.CharField()
    year = serializers.IntegerField()
    persons = serializers.IntegerField(help_text=_("享受任一政策的人数（一人多项只计一次）"))
    amount_yuan = serializers.DecimalField(
        max_digits=16, decimal_places=2, help_text=_("金额合计（元）")
    )
    education = PolicyFiguresSerializer(help_text=_("教育资助"))
    health = PolicyFiguresSerializer(help_text=_("健康扶贫（医疗救助）"))
    living = PolicyFiguresSerializer(help_text=_("低保兜底"))
    destitute = PolicyFiguresSerializer(help_text=_("特困供养"))
    other = PolicyFiguresSerializer(help_text=_("其他救助"))
    gaps = GapsSerializer(help_text=_("符合条件但未覆盖的人数（按规则）"))


@extend_schema_view(
    get=extend_schema(
        summary=_("区划兜底保障政策覆盖人数（与兜底保障页同一口径）"),
        parameters=[
            CODE_PARAMETER,
            year_parameter(_("年度（默认：系统当前年度）")),
        ],
        responses={200: SafetyNetSerializer, 400: BAD_REQUEST, 404: NOT_FOUND},
    )
)
@scope_safe_class
class AreaSafetyNetView(AreaFigureView):
    def default_year(self):
        return default_year()

    def figures(self, user, area, year):
        data = policy_counts(user, area.code, year)
        data.update(code=area.code, year=year, gaps=gap_counts(user, area.code, year))
        return SafetyNetSerializer(data).data
