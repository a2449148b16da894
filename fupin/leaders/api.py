"""``/api/areas/<code>/leaders/?year=Y``: the leaders page's selector (docs/leaders.md)."""

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

from .selectors import default_year, leader_figures


class AreaLeadersSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=_("区划代码"))
    name = serializers.CharField(help_text=_("区划名称"))
    leaders = serializers.IntegerField(help_text=_("致富带头人数"))
    households = serializers.IntegerField(help_text=_("带动贫困户数（去重）"))
    persons = serializers.IntegerField(help_text=_("带动贫困户人口"))
    income_yuan = serializers.CharField(help_text=_("带动增收（元，两位小数）"))


class LeadersSerializer(serializers.Serializer):
    year = serializers.IntegerField(help_text=_("年度"))
    leaders = serializers.IntegerField(help_text=_("致富带头人数"))
    households = serializers.IntegerField(help_text=_("当年在带动期内的贫困户数（去重）"))
    persons = serializers.IntegerField(help_text=_("这些户的现有人口"))
    income_yuan = serializers.CharField(help_text=_("当年带动增收合计（元，两位小数）"))
    areas = AreaLeadersSerializer(many=True, help_text=_("下一级区划"))


def _row(figures) -> dict:
    return {
        "leaders": figures.leaders,
        "households": figures.households,
        "persons": figures.persons,
        "income_yuan": str(figures.income),
    }


@extend_schema_view(
    get=extend_schema(
        summary=_("区划党员致富带头人及带动贫困户（与致富带头人页同一口径）"),
        parameters=[
            CODE_PARAMETER,
            year_parameter(_("年度（默认：系统日期的上一年）")),
        ],
        responses={200: LeadersSerializer, 400: BAD_REQUEST, 404: NOT_FOUND},
    )
)
@scope_safe_class
class AreaLeadersView(AreaFigureView):
    def default_year(self):
        return default_year()

    def figures(self, user, area, year):
        result = leader_figures(user, area, year)
        data = {
            "year": year,
            **_row(result.total),
            "areas": [
                {"code": child.code, "name": child.name, **_row(f)} for child, f in result.rows
            ],
        }
        return LeadersSerializer(data).data
