"""``/api/areas/<code>/funds/?year=Y``: the money of an area, overall and by source (the same
selector as the funds page; amounts are strings of Decimal, in yuan to the fen)."""

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

from .selectors import area_funds


class MoneySerializer(serializers.Serializer):
    received_yuan = serializers.CharField(help_text=_("到位资金（元）：来自本区划以外的资金"))
    transferred_yuan = serializers.CharField(help_text=_("区划内下拨（元）"))
    allocated_yuan = serializers.CharField(help_text=_("下达项目（元）"))
    paid_yuan = serializers.CharField(help_text=_("项目分红发放（元），按资金来源比例分摊"))
    balance_yuan = serializers.CharField(help_text=_("结余（元）：截至年末累计到位减累计下达"))


class SourceSerializer(MoneySerializer):
    source = serializers.CharField(help_text=_("资金来源代码"))
    label = serializers.CharField(help_text=_("资金来源"))


class AreaFundsSerializer(MoneySerializer):
    code = serializers.CharField(help_text=_("区划代码"))
    year = serializers.IntegerField(allow_null=True, help_text=_("年度（空：全部年度）"))
    by_source = SourceSerializer(many=True)


def _money(row: dict) -> dict:
    return {
        f"{k}_yuan": str(row[k])
        for k in ("received", "transferred", "allocated", "paid", "balance")
    }


@extend_schema_view(
    get=extend_schema(
        summary=_("区划资金到位、下达、发放与结余（与资金页同一口径）"),
        parameters=[
            CODE_PARAMETER,
            year_parameter(_("年度（默认：全部年度）")),
        ],
        responses={200: AreaFundsSerializer, 400: BAD_REQUEST, 404: NOT_FOUND},
    )
)
@scope_safe_class
class AreaFundsView(AreaFigureView):
    def default_year(self):
        return None  # all years

    def figures(self, user, area, year):
        data = area_funds(user, area.code, year)
        payload = {
            "code": area.code,
            "year": year,
            **_money(data["total"]),
            "by_source": [
                {"source": r["source"], "label": r["label"], **_money(r)} for r in data["by_source"]
            ],
        }
        return AreaFundsSerializer(payload).data
