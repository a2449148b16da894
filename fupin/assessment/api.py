"""``/api/areas/<code>/assessment/?year=Y``: the same selector as the assessment page."""

from __future__ import annotations

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

from .selectors import AssessmentSummary, assessment_summary


class AssessmentSerializer(DataclassSerializer):
    class Meta:
        dataclass = AssessmentSummary


@extend_schema_view(
    get=extend_schema(
        summary=_("区划年度脱贫评估（与评估页同一口径）"),
        parameters=[CODE_PARAMETER, YEAR_PARAMETER],
        responses={200: AssessmentSerializer, 400: BAD_REQUEST, 404: NOT_FOUND},
    )
)
@scope_safe_class
class AreaAssessmentView(AreaFigureView):
    """The stored assessment of an area for a year (run by ``fupin assess`` or the page)."""

    def figures(self, user, area, year):
        return AssessmentSerializer(assessment_summary(user, area.code, year)).data
