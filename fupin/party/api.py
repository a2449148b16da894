"""``/api/areas/<code>/meeting-compliance/?quarter=YYYY-Qn``: the compliance page's selector."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework_dataclasses.serializers import DataclassSerializer

from fupin.areas.api import (
    BAD_REQUEST,
    CODE_PARAMETER,
    NOT_FOUND,
    QUARTER_PARAMETER,
    AreaFigureView,
)
from fupin.areas.api import parse_quarter as parse_api_quarter
from fupin.areas.scope import scope_safe_class

from .selectors import ComplianceFigures, current_quarter, meeting_compliance, parse_quarter


class MeetingComplianceSerializer(DataclassSerializer):
    class Meta:
        dataclass = ComplianceFigures


@extend_schema_view(
    get=extend_schema(
        summary=_("区划三会一课落实情况（与合规页同一口径）"),
        parameters=[
            CODE_PARAMETER,
            QUARTER_PARAMETER,
        ],
        responses={200: MeetingComplianceSerializer, 400: BAD_REQUEST, 404: NOT_FOUND},
    )
)
@scope_safe_class
class MeetingComplianceView(AreaFigureView):
    takes_year = False

    def parse(self, params):
        value = parse_api_quarter(params.get("quarter"))
        self.quarter = parse_quarter(value) if value else current_quarter()

    def figures(self, user, area, year):
        result = meeting_compliance(user, area.code, self.quarter)
        return MeetingComplianceSerializer(result.figures()).data
