"""``/api/areas/<code>/assessment/?year=Y``: the same selector as the assessment page."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from fupin.areas.api import BAD_REQUEST, NOT_FOUND, YEAR_PARAMETER, parse_year
from fupin.areas.scope import scope_safe_class
from fupin.areas.selectors import access_area
from fupin.core.clock import current_year

from .selectors import assessment_summary


class CountyResultSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="旗县市代码")
    name = serializers.CharField(help_text="旗县市名称")
    eligible = serializers.BooleanField(help_text="是否达到摘帽标准")
    incidence = serializers.DecimalField(
        max_digits=6,
        decimal_places=2,
        coerce_to_string=False,
        allow_null=True,
        help_text="综合贫困发生率（%）",
    )
    reasons = serializers.ListField(child=serializers.CharField(), help_text="未达标原因")


class AssessmentSerializer(serializers.Serializer):
    households_assessed = serializers.IntegerField(help_text="评估户数（脱贫候选户）")
    households_eligible = serializers.IntegerField(help_text="达到脱贫标准的户数")
    households_not_eligible = serializers.IntegerField(help_text="未达到脱贫标准的户数")
    villages_eligible = serializers.IntegerField(help_text="达到出列标准的村数")
    villages_not_eligible = serializers.IntegerField(help_text="未达到出列标准的村数")
    counties = CountyResultSerializer(many=True, help_text="旗县市摘帽评估")


@scope_safe_class
class AreaAssessmentView(APIView):
    """The stored assessment of an area for a year (run by ``fupin assess`` or the page)."""

    @extend_schema(
        summary="区划年度脱贫评估（与评估页同一口径）",
        parameters=[
            OpenApiParameter("code", str, OpenApiParameter.PATH, description="区划代码"),
            YEAR_PARAMETER,
        ],
        responses={200: AssessmentSerializer, 400: BAD_REQUEST, 404: NOT_FOUND},
    )
    def get(self, request, code):
        year = parse_year(request.query_params.get("year"), default=current_year())
        area = access_area(request.user, code)
        return Response(
            AssessmentSerializer(assessment_summary(request.user, area.code, year)).data
        )
