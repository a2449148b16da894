"""``/api/areas/<code>/leaders/?year=Y``: the leaders page's selector (docs/leaders.md)."""

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

from .selectors import Leaders, default_year, leader_summary


class LeadersSerializer(DataclassSerializer):
    class Meta:
        dataclass = Leaders


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
        return LeadersSerializer(leader_summary(user, area, year)).data
