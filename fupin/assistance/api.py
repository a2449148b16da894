"""``/api/areas/<code>/coverage/``: the counts of the coverage page (走村不漏户,户户见干部)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework_dataclasses.serializers import DataclassSerializer

from fupin.areas.api import CODE_PARAMETER, NOT_FOUND, AreaFigureView
from fupin.areas.scope import scope_safe_class

from .selectors import CoverageCounts, coverage


class CoverageSerializer(DataclassSerializer):
    class Meta:
        dataclass = CoverageCounts


@extend_schema_view(
    get=extend_schema(
        summary=_("区划帮扶覆盖情况（与覆盖页同一口径）"),
        parameters=[CODE_PARAMETER],
        responses={200: CoverageSerializer, 404: NOT_FOUND},
    )
)
@scope_safe_class
class AreaCoverageView(AreaFigureView):
    """The holes of 两联一包 in an area as of the system's date (the coverage page's counts)."""

    takes_year = False

    def figures(self, user, area, year):
        return CoverageSerializer(coverage(user, area.code).counts).data
