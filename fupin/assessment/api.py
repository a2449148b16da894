"""``/api/areas/<code>/assessment/?year=Y``: the same selector as the assessment page."""

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

from .selectors import assessment_summary


class CountyResultSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=_("旗县市代码"))
    name = serializers.CharField(help_text=_("旗县市名称"))
    eligible = serializers.BooleanField(help_text=_("是否达到摘帽标准"))
    incidence = serializers.DecimalField(
        max_digits=6,
        decimal_places=2,
        coerce_to_string=False,
        allow_null=True,
        help_text=_("综合贫困发生率（%）"),
    )
    reasons = serializers.ListField(child=serializers.CharField(), help_text=_("未达标原因"))


class AssessmentSerializer(serializers.Serializer):
    households_assessed = serializers.IntegerField(help_text=_("评估户数（脱贫候选户）"))
    households_eligible = serializers.IntegerField(help_text=_("达到脱贫标准的户数"))
    households_not_eligible = serializers.IntegerField(help_text=_("未达到脱贫标准的户数"))
    villages_eligible = serializers.IntegerField(help_text=_("达到出列标准的村数"))
    villages_not_eligible = serializers.IntegerField(help_text=_("未达到出列标准的村数"))
    counties = CountyResultSerializer(many=True, help_text=_("旗县市摘帽评估"))


@extend_schema_view(
    get=extend_schema(
        summary=_("区划年度脱贫评估（与评估页同一口径）"),
        parameters=[CODE_PARAMETER, YEAR_PARAMETER],
        responses={200: AssessmentSerializer, 400: BAD_REQUEST, 404: NOT_FOUND},
    )
)
@scope_safe_class
class AreaAssessmentView(AreaFigureView):
    """The stored assessment of an area for a year (run by ``fupin assess`` or the page)."""

    def figures(self, user, area, year):
        return AssessmentSerializer(assessment_summary(user, area.code, year)).data
