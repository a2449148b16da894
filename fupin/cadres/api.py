"""The two fixed interfaces of the cadre roster, on the same selectors as the pages:

* ``/api/areas/<code>/evaluations/?year=Y`` — the year's evaluations by outcome;
* ``/api/areas/<code>/team-structure/?level=township|county&from=YYYY-MM-DD&to=YYYY-MM-DD`` —
  the four shares of the leadership teams serving on each day and their change.

Shares are percentages (0–100) and changes percentage points / percent, rendered as strings
of decimals with two places (``"40.00"``); see ``docs/cadres.md``.
"""

from __future__ import annotations

import datetime
import keyword

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework.exceptions import ValidationError
from rest_framework_dataclasses.serializers import DataclassSerializer

from fupin.areas.api import (
    BAD_REQUEST,
    CODE_PARAMETER,
    NOT_FOUND,
    YEAR_PARAMETER,
    AreaFigureView,
)
from fupin.areas.scope import scope_safe_class
from fupin.core.clock import as_of

from .selectors import (
    EvaluationCounts,
    TeamStructure,
    add_years,
    evaluation_counts,
    team_structure_figures,
)

MSG_BAD_DATE = _("日期格式应为 YYYY-MM-DD")
MSG_BAD_LEVEL = _("班子层级应为 township（苏木乡镇）或 county（旗县市）")


class EvaluationCountsSerializer(DataclassSerializer):
    class Meta:
        dataclass = EvaluationCounts


# Serves a dataclass field ``from_`` under the key ``from``: the JSON keeps the Python keyword
# that cannot name a dataclass field (in nested dataclasses too). A comment, not a docstring:
# the schema would describe every such object with it.
class KeywordDataclassSerializer(DataclassSerializer):
    @property
    def serializer_dataclass_field(self):
        return KeywordDataclassSerializer

    def get_fields(self):
        fields = {}
        for name, api_field in super().get_fields().items():
            if name.endswith("_") and keyword.iskeyword(name[:-1]):
                api_field.source = name
                name = name[:-1]
            fields[name] = api_field
        return fields


class TeamStructureSerializer(KeywordDataclassSerializer):
    class Meta:
        dataclass = TeamStructure


def parse_day(value: str | None, *, name: str, default: datetime.date) -> datetime.date:
    if value is None or value == "":
        return default
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise ValidationError({name: [gettext(MSG_BAD_DATE)]}) from None


@extend_schema_view(
    get=extend_schema(
        summary=_("区划年度干部考核结果运用人数（与考核页同一口径）"),
        parameters=[CODE_PARAMETER, YEAR_PARAMETER],
        responses={200: EvaluationCountsSerializer, 400: BAD_REQUEST, 404: NOT_FOUND},
    )
)
@scope_safe_class
class AreaEvaluationsView(AreaFigureView):
    def figures(self, user, area, year):
        return EvaluationCountsSerializer(evaluation_counts(user, area.code, year)).data


@extend_schema_view(
    get=extend_schema(
        summary=_("领导班子结构两日对比（与班子结构页同一口径）"),
        parameters=[
            CODE_PARAMETER,
            OpenApiParameter(
                "level",
                str,
                enum=["township", "county"],
                description=_("班子层级（默认 township）"),
            ),
            OpenApiParameter(
                "from", datetime.date, description=_("起始日（默认：系统日期前推两年）")
            ),
            OpenApiParameter("to", datetime.date, description=_("终止日（默认：系统日期）")),
        ],
        responses={200: TeamStructureSerializer, 400: BAD_REQUEST, 404: NOT_FOUND},
    )
)
@scope_safe_class
class AreaTeamStructureView(AreaFigureView):
    takes_year = False

    def parse(self, params):
        self.level = params.get("level") or "township"
        if self.level not in ("township", "county"):
            raise ValidationError({"level": [gettext(MSG_BAD_LEVEL)]})
        self.day_to = parse_day(params.get("to"), name="to", default=as_of())
        self.day_from = parse_day(
            params.get("from"), name="from", default=add_years(self.day_to, -2)
        )

    def figures(self, user, area, year):
        data = team_structure_figures(user, area.code, self.level, self.day_from, self.day_to)
        return TeamStructureSerializer(data).data
