"""``/api/areas/<county>/third-party/?year=Y``: the county's third-party assessment of the
year — sample size, the three rates with their 95 % Wilson intervals, and whether the county
passes the exit rule, with the reasons (docs/counties.md)."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext
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
from fupin.areas.models import Level
from fupin.areas.scope import scope_safe_class

from .selectors import ThirdParty, third_party


class ThirdPartySerializer(DataclassSerializer):
    class Meta:
        dataclass = ThirdParty


@extend_schema_view(
    get=extend_schema(
        summary=_(
            "旗县市的第三方评估：样本量、漏评率、错退率、群众认可度（含95%置信区间）及是否达到摘帽标准"
        ),
        parameters=[CODE_PARAMETER, year_parameter(_("年度（默认：当前年度）"))],
        responses={200: ThirdPartySerializer, 400: BAD_REQUEST, 404: NOT_FOUND},
    )
)
@scope_safe_class
class AreaThirdPartyView(AreaFigureView):
    def figures(self, user, area, year):
        if area.level != Level.COUNTY:
            raise Http404(gettext("不是旗县市"))
        return ThirdPartySerializer(third_party(user, area, year)).data
