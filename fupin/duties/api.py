"""``/api/areas/<code>/duty-ranking/?level=&year=``: the same selector as the ranking page."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers

from fupin.areas.api import (
    BAD_REQUEST,
    CODE_PARAMETER,
    NOT_FOUND,
    YEAR_PARAMETER,
    AreaFigureView,
    parse_choice,
)
from fupin.areas.models import Level
from fupin.areas.scope import scope_safe_class

from .selectors import RANKING_LEVELS, RULE, default_level, ranking

MSG_BAD_LEVEL = _("级别无效：应为 county、township、village 之一")


class RankingLevel:
    """The levels a ranking runs over (the shape :func:`parse_choice` expects)."""

    values = [str(level) for level in RANKING_LEVELS]


class RankUnitSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=_("单位区划代码"))
    name = serializers.CharField(help_text=_("单位名称"))
    score = serializers.DecimalField(
        max_digits=6,
        decimal_places=2,
        coerce_to_string=False,
        allow_null=True,
        help_text=_("总分（百分制）；当年无任务时为 null"),
    )
    rank = serializers.IntegerField(
        allow_null=True, help_text=_("名次（并列同名次）；无任务时为 null")
    )
    tasks = serializers.IntegerField(help_text=_("任务数"))
    done = serializers.IntegerField(help_text=_("已完成任务数"))
    overdue = serializers.IntegerField(help_text=_("超期任务数"))
    assessed = serializers.IntegerField(help_text=_("已考核任务数"))


class DutyRankingSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=_("区划代码"))
    name = serializers.CharField(help_text=_("区划名称"))
    level = serializers.ChoiceField(choices=RankingLevel.values, help_text=_("排名的层级"))
    year = serializers.IntegerField(help_text=_("年度"))
    rule = serializers.CharField(help_text=_("得分与排名规则"))
    units = RankUnitSerializer(many=True, help_text=_("各单位的得分与名次，名次在前"))


@extend_schema_view(
    get=extend_schema(
        summary=_("清单制任务排名（与排名页同一口径）"),
        parameters=[
            CODE_PARAMETER,
            OpenApiParameter(
                "level",
                str,
                enum=RankingLevel.values,
                description=_("排名的层级（默认：下一级）"),
            ),
            YEAR_PARAMETER,
        ],
        responses={200: DutyRankingSerializer, 400: BAD_REQUEST, 404: NOT_FOUND},
    )
)
@scope_safe_class
class AreaDutyRankingView(AreaFigureView):
    def parse(self, params):
        self.level = parse_choice(
            params.get("level"), RankingLevel, name="level", message=MSG_BAD_LEVEL
        )

    def figures(self, user, area, year):
        level = self.level or default_level(area)
        rows = ranking(user, area.code, level, year)
        data = {
            "code": area.code,
            "name": area.name,
            "level": str(Level(level)),
            "year": year,
            "rule": str(RULE),
            "units": [r.__dict__ for r in rows],
        }
        return DutyRankingSerializer(data).data
