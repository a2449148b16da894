"""``/api/areas/<code>/funds/?year=Y``: the money of an area, overall and by source (the same
selector as the funds page; amounts are strings of Decimal, in yuan to the fen)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from fupin.areas.api import BAD_REQUEST, NOT_FOUND
from fupin.areas.scope import scope_safe_class
from fupin.areas.selectors import access_area

from .selectors import area_funds


class MoneySerializer(serializers.Serializer):
    received_yuan = serializers.CharField(help_text="到位资金（元）：来自本区划以外的资金")
    transferred_yuan = serializers.CharField(help_text="区划内下拨（元）")
    allocated_yuan = serializers.CharField(help_text="下达项目（元）")
    paid_yuan = serializers.CharField(help_text="项目分红发放（元），按资金来源比例分摊")
    balance_yuan = serializers.CharField(help_text="结余（元）：截至年末累计到位减累计下达")


class SourceSerializer(MoneySerializer):
    source = serializers.CharField(help_text="资金来源代码")
    label = serializers.CharField(help_text="资金来源")


class AreaFundsSerializer(MoneySerializer):
    code = serializers.CharField(help_text="区划代码")
    year = serializers.IntegerField(allow_null=True, help_text="年度（空：全部年度）")
    by_source = SourceSerializer(many=True)


def _money(row: dict) -> dict:
    return {
        f"{k}_yuan": str(row[k])
        for k in ("received", "transferred", "allocated", "paid", "balance")
    }


def parse_year(value: str | None) -> int | None:
    if not value:
        return None
    try:
        year = int(value)
        if not 2000 <= year <= 2100:
            raise ValueError
    except ValueError:
        raise ValidationError({"year": ["年度应为四位数字，如 2016"]}) from None
    return year


@scope_safe_class
class AreaFundsView(APIView):
    @extend_schema(
        summary="区划资金到位、下达、发放与结余（与资金页同一口径）",
        parameters=[
            OpenApiParameter("code", str, OpenApiParameter.PATH, description="区划代码"),
            OpenApiParameter("year", int, description="年度（默认：全部年度）"),
        ],
        responses={200: AreaFundsSerializer, 400: BAD_REQUEST, 404: NOT_FOUND},
    )
    def get(self, request, code):
        year = parse_year(request.query_params.get("year"))
        area = access_area(request.user, code)
        data = area_funds(request.user, area.code, year)
        payload = {
            "code": area.code,
            "year": year,
            **_money(data["total"]),
            "by_source": [
                {"source": r["source"], "label": r["label"], **_money(r)} for r in data["by_source"]
            ],
        }
        return Response(AreaFundsSerializer(payload).data)
