"""``/api/areas/<code>/compliance/?month=YYYY-MM``: the same selector as the compliance page."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework_dataclasses.serializers import DataclassSerializer

from fupin.areas.api import (
    BAD_REQUEST,
    CODE_PARAMETER,
    MONTH_PARAMETER,
    NOT_FOUND,
    AreaFigureView,
    parse_month,
)
from fupin.areas.scope import scope_safe_class

from .selectors import ComplianceCounts, MonthClose, compliance_counts, month_close


class ComplianceSerializer(DataclassSerializer):
    class Meta:
        dataclass = ComplianceCounts
        fields = (
            "pairings_behind",
            "residents_under_20_days",
            "reviews_missed",
            "concerns_overdue",
        )


@extend_schema_view(
    get=extend_schema(
        summary=_("区划月度帮扶工作合规情况（与合规页同一口径）"),
        parameters=[
            CODE_PARAMETER,
            MONTH_PARAMETER,
        ],
        responses={200: ComplianceSerializer, 400: BAD_REQUEST, 404: NOT_FOUND},
    )
)
@scope_safe_class
class AreaComplianceView(AreaFigureView):
    takes_year = False

    def parse(self, params):
        self.month = parse_month(params.get("month"))

    def figures(self, user, area, year):
        return ComplianceSerializer(compliance_counts(user, area.code, self.month)).data


class MonthCloseSerializer(DataclassSerializer):
    class Meta:
        dataclass = MonthClose


@extend_schema_view(
    get=extend_schema(
        summary=_("区划该月帮扶工作是否已关账，以及关账后的更正（显示在合规数字旁）"),
        parameters=[
            CODE_PARAMETER,
            MONTH_PARAMETER,
        ],
        responses={200: MonthCloseSerializer, 400: BAD_REQUEST, 404: NOT_FOUND},
    )
)
@scope_safe_class
class AreaComplianceCloseView(AreaFigureView):
    takes_year = False

    def parse(self, params):
        self.month = parse_month(params.get("month"))

    def figures(self, user, area, year):
        return MonthCloseSerializer(month_close(user, area.code, self.month)).data
