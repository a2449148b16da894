"""``/api/areas/<code>/duty-ranking/?level=&year=``: the same selector as the ranking page."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework_dataclasses.serializers import DataclassSerializer

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
from fupin.core.figures import serialized

from .selectors import RANKING_LEVELS, RULE, RankRow, default_level, ranking

MSG_BAD_LEVEL = _("级别无效：应为 county、township、village 之一")


class RankingLevel:
    """The levels a ranking runs over (the shape :func:`parse_choice` expects)."""

    values = [str(level) for level in RANKING_LEVELS]


@dataclass(frozen=True)
class DutyRanking:
    """The ranking of the units of a level inside an area, as the ranking page shows it."""

    code: str = field(metadata=serialized(_("区划代码")))
    name: str = field(metadata=serialized(_("区划名称")))
    level: str = field(metadata=serialized(_("排名的层级")))
    year: int = field(metadata=serialized(_("年度")))
    rule: str = field(metadata=serialized(_("得分与排名规则")))
    units: list[RankRow] = field(metadata=serialized(_("各单位的得分与名次，名次在前")))


class RankUnitSerializer(DataclassSerializer):
    class Meta:
        dataclass = RankRow
        fields = ("code", "name", "score", "rank", "tasks", "done", "overdue", "assessed")


class DutyRankingSerializer(DataclassSerializer):
    level = serializers.ChoiceField(choices=RankingLevel.values, help_text=_("排名的层级"))
    units = RankUnitSerializer(many=True, help_text=_("各单位的得分与名次，名次在前"))

    class Meta:
        dataclass = DutyRanking


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
        data = DutyRanking(
            code=area.code,
            name=area.name,
            level=str(Level(level)),
            year=year,
            rule=str(RULE),
            units=rows,
        )
        return DutyRankingSerializer(data).data
