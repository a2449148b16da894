"""``/api/areas/<code>/poor-villages/?year=Y``: the poor villages designated, exited and
remaining at the end of the year, with the list (docs/villages.md)."""

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

from .selectors import PoorVillages, poor_villages


class PoorVillagesSerializer(DataclassSerializer):
    class Meta:
        dataclass = PoorVillages


@extend_schema_view(
    get=extend_schema(
        summary=_("区划内的贫困村：已认定、已出列、未出列及名单"),
        parameters=[CODE_PARAMETER, year_parameter(_("年度（默认：当前年度）"))],
        responses={200: PoorVillagesSerializer, 400: BAD_REQUEST, 404: NOT_FOUND},
    )
)
@scope_safe_class
class AreaPoorVillagesView(AreaFigureView):
    def figures(self, user, area, year):
        return PoorVillagesSerializer(poor_villages(user, area.code, year)).data
