"""``/api/areas/<code>/leaders/?year=Y``: the leaders page's selector (docs/leaders.md)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from fupin.areas.api import BAD_REQUEST, NOT_FOUND
from fupin.areas.scope import scope_safe_class
from fupin.areas.selectors import access_area

from .selectors import default_year, leader_figures


class AreaLeadersSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="区划代码")
    name = serializers.CharField(help_text="区划名称")
    leaders = serializers.IntegerField(help_text="致富带头人数")
    households = serializers.IntegerField(help_text="带动贫困户数（去重）")
    persons = serializers.IntegerField(help_text="带动贫困户人口")
    income_yuan = serializers.CharField(help_text="带动增收（元，两位小数）")


class LeadersSerializer(serializers.Serializer):
    year = serializers.IntegerField(help_text="年度")
    leaders = serializers.IntegerField(help_text="致富带头人数")
    households = serializers.IntegerField(help_text="当年在带动期内的贫困户数（去重）")
    persons = serializers.IntegerField(help_text="这些户的现有人口")
    income_yuan = serializers.CharField(help_text="当年带动增收合计（元，两位小数）")
    areas = AreaLeadersSerializer(many=True, help_text="下一级区划")


def _row(figures) -> dict:
    return {
        "leaders": figures.leaders,
        "households": figures.households,
        "persons": figures.persons,
        "income_yuan": str(figures.income),
    }


@scope_safe_class
class AreaLeadersView(APIView):
    @extend_schema(
        summary="区划党员致富带头人及带动贫困户（与致富带头人页同一口径）",
        parameters=[
            OpenApiParameter("code", str, OpenApiParameter.PATH, description="区划代码"),
            OpenApiParameter("year", int, description="年度（默认：系统日期的上一年）"),
        ],
        responses={200: LeadersSerializer, 400: BAD_REQUEST, 404: NOT_FOUND},
    )
    def get(self, request, code):
        value = request.query_params.get("year")
        if value is None or value == "":
            year = default_year()
        elif value.isdigit() and 2000 <= int(value) <= 2100:
            year = int(value)
        else:
            raise ValidationError({"year": ["年度应为四位数字，例如 2016"]})
        area = access_area(request.user, code)
        result = leader_figures(request.user, area, year)
        data = {
            "year": year,
            **_row(result.total),
            "areas": [
                {"code": child.code, "name": child.name, **_row(f)} for child, f in result.rows
            ],
        }
        return Response(LeadersSerializer(data).data)
