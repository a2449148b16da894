"""``/api/areas/<code>/duty-ranking/?level=&year=``: the same selector as the ranking page."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from fupin.areas.api import BAD_REQUEST, NOT_FOUND, YEAR_PARAMETER, parse_choice, parse_year
from fupin.areas.models import Level
from fupin.areas.scope import scope_safe_class
from fupin.areas.selectors import access_area
from fupin.core.clock import current_year

from .selectors import RANKING_LEVELS, RULE, default_level, ranking

MSG_BAD_LEVEL = "级别无效：应为 county、township、village 之一"


class RankingLevel:
    """The levels a ranking runs over (the shape :func:`parse_choice` expects)."""

    values = [str(level) for level in RANKING_LEVELS]


class RankUnitSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="单位区划代码")
    name = serializers.CharField(help_text="单位名称")
    score = serializers.DecimalField(
        max_digits=6,
        decimal_places=2,
        coerce_to_string=False,
        allow_null=True,
        help_text="总分（百分制）；当年无任务时为 null",
    )
    rank = serializers.IntegerField(
        allow_null=True, help_text="名次（并列同名次）；无任务时为 null"
    )
    tasks = serializers.IntegerField(help_text="任务数")
    done = serializers.IntegerField(help_text="已完成任务数")
    overdue = serializers.IntegerField(help_text="超期任务数")
    assessed = serializers.IntegerField(help_text="已考核任务数")


class DutyRankingSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="区划代码")
    name = serializers.CharField(help_text="区划名称")
    level = serializers.ChoiceField(choices=RankingLevel.values, help_text="排名的层级")
    year = serializers.IntegerField(help_text="年度")
    rule = serializers.CharField(help_text="得分与排名规则")
    units = RankUnitSerializer(many=True, help_text="各单位的得分与名次，名次在前")


@scope_safe_class
class AreaDutyRankingView(APIView):
    @extend_schema(
        summary="清单制任务排名（与排名页同一口径）",
        parameters=[
            OpenApiParameter("code", str, OpenApiParameter.PATH, description="区划代码"),
            OpenApiParameter(
                "level",
                str,
                enum=RankingLevel.values,
                description="排名的层级（默认：下一级）",
            ),
            YEAR_PARAMETER,
        ],
        responses={200: DutyRankingSerializer, 400: BAD_REQUEST, 404: NOT_FOUND},
    )
    def get(self, request, code):
        params = request.query_params
        year = parse_year(params.get("year"), default=current_year())
        level = parse_choice(params.get("level"), RankingLevel, name="level", message=MSG_BAD_LEVEL)
        area = access_area(request.user, code)
        level = level or default_level(area)
        rows = ranking(request.user, area.code, level, year)
        data = {
            "code": area.code,
            "name": area.name,
            "level": str(Level(level)),
            "year": year,
            "rule": str(RULE),
            "units": [r.__dict__ for r in rows],
        }
        return Response(DutyRankingSerializer(data).data)
