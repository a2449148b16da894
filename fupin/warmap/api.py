"""``/api/areas/<code>/warmap/?year=Y``: every figure of the war map, from the same selectors."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view

from fupin.areas.api import (
    BAD_REQUEST,
    CODE_PARAMETER,
    NOT_FOUND,
    YEAR_PARAMETER,
    AreaFigureView,
)
from fupin.areas.scope import scope_safe_class
from fupin.core.figures import FigureSerializer

from . import selectors


class WarmapSerializer(FigureSerializer):
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

    kept_as = "warmap-api"  # kept, as the page's figures are

    def figures(self, user, area, year):
        return WarmapSerializer(selectors.warmap_figures(user, area.code, year)).data
