"""``/api/areas/<code>/funds/?year=Y``: the money of an area, overall and by source (the same
selector as the funds page; amounts are strings of Decimal, in yuan to the fen)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework_dataclasses.serializers import DataclassSerializer

from fupin.areas.api import (
    BAD_REQUEST,
    CODE_PARAMETER,
    NOT_FOUND,
    AreaFigureView,
    year_parameter,
)
from fupin.areas.scope import scope_safe_class

from .selectors import AreaFunds, area_money


class AreaFundsSerializer(DataclassSerializer):
    class Meta:
        dataclass = AreaFunds


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
        return AreaFundsSerializer(area_money(user, area.code, year)).data
