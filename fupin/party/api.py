"""``/api/areas/<code>/meeting-compliance/?quarter=YYYY-Qn``: the compliance page's selector."""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework.exceptions import ValidationError
from rest_framework_dataclasses.serializers import DataclassSerializer

from fupin.areas.api import BAD_REQUEST, CODE_PARAMETER, NOT_FOUND, AreaFigureView
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
            OpenApiParameter(
                "quarter", str, description=_("季度 YYYY-Qn（默认：系统日期所在季度）")
            ),
        ],
        responses={200: MeetingComplianceSerializer, 400: BAD_REQUEST, 404: NOT_FOUND},
    )
)
@scope_safe_class
class MeetingComplianceView(AreaFigureView):
    takes_year = False

    def parse(self, params):
        value = params.get("quarter")
        try:
            self.quarter = parse_quarter(value) if value else current_quarter()
        except ValueError:
            raise ValidationError(
                {"quarter": [gettext("格式应为 YYYY-Qn，例如 2017-Q2")]}
            ) from None

    def figures(self, user, area, year):
        result = meeting_compliance(user, area.code, self.quarter)
        return MeetingComplianceSerializer(result.figures()).data
