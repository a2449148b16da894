"""``/api/areas/<code>/collective-economy/?year=Y``: the figures of the 清零递增 board.

Default year: the last full year (a year's collective income is known once it has ended).
"""

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

from .selectors import CollectiveEconomy, collective_economy, default_year


class CollectiveEconomySerializer(DataclassSerializer):
    class Meta:
        dataclass = CollectiveEconomy


@extend_schema_view(
    get=extend_schema(
        summary=_("区划嘎查村集体经济（清零递增）情况（与看板同一口径）"),
        parameters=[
            CODE_PARAMETER,
            year_parameter(_("年度（默认：上一个完整年度）")),
        ],
        responses={200: CollectiveEconomySerializer, 400: BAD_REQUEST, 404: NOT_FOUND},
    )
)
@scope_safe_class
class AreaCollectiveEconomyView(AreaFigureView):
    def default_year(self):
        return default_year()

    def figures(self, user, area, year):
        return CollectiveEconomySerializer(collective_economy(user, area.code, year)).data
