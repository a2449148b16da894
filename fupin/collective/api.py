"""``/api/areas/<code>/collective-economy/?year=Y``: the figures of the 清零递增 board.

Default year: the last full year (a year's collective income is known once it has ended).
"""

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

from .selectors import collective_counts, default_year


class CollectiveEconomySerializer(serializers.Serializer):
    code = serializers.CharField()
    year = serializers.IntegerField()
    villages = serializers.IntegerField(help_text=_("参与扶贫的嘎查村数"))
    villages_zero = serializers.IntegerField(help_text=_("当年无集体经济收入的嘎查村数"))
    villages_weak = serializers.IntegerField(help_text=_("有收入但未达稳定标准的嘎查村数"))
    villages_stable = serializers.IntegerField(
        help_text=_("有稳定收入的嘎查村数（收入不低于当年标准，含稳定增长）")
    )
    villages_growing = serializers.IntegerField(help_text=_("稳定且高于上年的嘎查村数"))
    stable_share = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        allow_null=True,
        help_text=_("有稳定收入的嘎查村占比（%，两位小数）；无嘎查村时为 null"),
    )
    total_yuan = serializers.DecimalField(
        max_digits=16, decimal_places=2, help_text=_("集体经济收入总额（元）")
    )
    households_sharing = serializers.IntegerField(help_text=_("当年分享集体收益的户数"))
    threshold_yuan = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        allow_null=True,
        help_text=_("当年稳定收入标准（元）"),
    )


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
        data = collective_counts(user, area.code, year)
        data["code"] = area.code
        return CollectiveEconomySerializer(data).data
