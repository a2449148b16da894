"""``/api/areas/<code>/warmap/?year=Y``: every figure of the war map, from the same selectors."""

from __future__ import annotations

import dataclasses

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework_dataclasses.serializers import DataclassSerializer

from fupin.areas.api import (
    BAD_REQUEST,
    CODE_PARAMETER,
    NOT_FOUND,
    YEAR_PARAMETER,
    AreaFigureView,
)
from fupin.areas.scope import scope_safe_class

from . import selectors
from .selectors import OMIT_NONE


# Nested dataclasses get this class too, so a field marked OMIT_NONE is left out at any depth.
class WarmapFiguresSerializer(DataclassSerializer):
    @property
    def serializer_dataclass_field(self):
        return WarmapFiguresSerializer

    def to_representation(self, instance):
        data = super().to_representation(instance)
        for item in dataclasses.fields(instance):
            if item.metadata.get(OMIT_NONE) and getattr(instance, item.name) is None:
                del data[item.name]
        return data


class WarmapSerializer(WarmapFiguresSerializer):
    class Meta:
        dataclass = selectors.Warmap


@extend_schema_view(
    get=extend_schema(
        summary=_("挂图作战：区划年度全部图表数据（与页面同一口径）"),
        parameters=[CODE_PARAMETER, YEAR_PARAMETER],
        responses={200: WarmapSerializer, 400: BAD_REQUEST, 404: NOT_FOUND},
    )
)
@scope_safe_class
class AreaWarmapView(AreaFigureView):
    """Every figure of the war map of an area and year (the page's selectors)."""

    def figures(self, user, area, year):
        return WarmapSerializer(selectors.warmap_figures(user, area.code, year)).data
