"""``/api/areas/<code>/safety-net/?year=Y``: persons per policy (and the distinct total) and
the gaps of each rule, the figures of the safety-net page. Default year: the year in progress.
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

from .selectors import SafetyNet, default_year, safety_net


class SafetyNetSerializer(DataclassSerializer):
    class Meta:
        dataclass = SafetyNet


@extend_schema_view(
    get=extend_schema(
        summary=_("区划兜底保障政策覆盖人数（与兜底保障页同一口径）"),
        parameters=[
            CODE_PARAMETER,
            year_parameter(_("年度（默认：系统当前年度）")),
        ],
        responses={200: SafetyNetSerializer, 400: BAD_REQUEST, 404: NOT_FOUND},
    )
)
@scope_safe_class
class AreaSafetyNetView(AreaFigureView):
    def default_year(self):
        return default_year()

    def figures(self, user, area, year):
        return SafetyNetSerializer(safety_net(user, area.code, year)).data
