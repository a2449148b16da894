"""``/api/areas/<code>/outreach/?year=Y`` and ``/api/areas/<code>/subsidies/?year=Y``: the
figures of the outreach ledgers (docs/outreach.md), from :mod:`fupin.outreach.selectors`."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework_dataclasses.serializers import DataclassSerializer

from fupin.areas.api import BAD_REQUEST, CODE_PARAMETER, NOT_FOUND, AreaFigureView, year_parameter
from fupin.areas.scope import scope_safe_class

from .selectors import Outreach, Subsidies, default_subsidy_year, outreach_figures, subsidy_figures


class OutreachSerializer(DataclassSerializer):
    class Meta:
        dataclass = Outreach


class SubsidiesSerializer(DataclassSerializer):
    class Meta:
        dataclass = Subsidies


@extend_schema_view(
    get=extend_schema(
        summary=_("区划政策宣讲、外出学习、联系点调研指导（按年度，来自台账记录）"),
        parameters=[CODE_PARAMETER, year_parameter(_("年度（默认：系统日期所在年度）"))],
        responses={200: OutreachSerializer, 400: BAD_REQUEST, 404: NOT_FOUND},
    )
)
@scope_safe_class
class AreaOutreachView(AreaFigureView):
    def figures(self, user, area, year):
        return OutreachSerializer(outreach_figures(user, area.code, year)).data


@extend_schema_view(
    get=extend_schema(
        summary=_("区划乡镇工作补贴：发放人数与人均增资（按年度，来自台账记录）"),
        parameters=[CODE_PARAMETER, year_parameter(_("年度（默认：系统日期的上一年）"))],
        responses={200: SubsidiesSerializer, 400: BAD_REQUEST, 404: NOT_FOUND},
    )
)
@scope_safe_class
class AreaSubsidiesView(AreaFigureView):
    def default_year(self):
        return default_subsidy_year()

    def figures(self, user, area, year):
        return SubsidiesSerializer(subsidy_figures(user, area.code, year)).data
