"""``/api/areas/<code>/data-quality/?year=Y``: the area's flags by status and rule, its
duplicates, the latest re-check's counts and the quality index, with its child areas
(docs/data-quality.md)."""

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

from .dataquality import DataQuality, data_quality


class DataQualitySerializer(DataclassSerializer):
    class Meta:
        dataclass = DataQuality


@extend_schema_view(
    get=extend_schema(
        summary=_("区划的数据质量：疑点（待核实、属实、不属实）、疑似重复人员、各规则数与质量指数"),
        parameters=[CODE_PARAMETER, year_parameter(_("年度（默认：当前年度）"))],
        responses={200: DataQualitySerializer, 400: BAD_REQUEST, 404: NOT_FOUND},
    )
)
@scope_safe_class
class AreaDataQualityView(AreaFigureView):
    def figures(self, user, area, year):
        return DataQualitySerializer(data_quality(user, area.code, year)).data
