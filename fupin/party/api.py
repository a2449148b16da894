"""``/api/areas/<code>/meeting-compliance/?quarter=YYYY-Qn``: the compliance page's selector."""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from fupin.areas.api import BAD_REQUEST, CODE_PARAMETER, NOT_FOUND, AreaFigureView
from fupin.areas.scope import scope_safe_class

from .selectors import current_quarter, meeting_compliance, parse_quarter


class MissingSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text=_("会议类别"))
    first = serializers.DateField(help_text=_("应开期间起"))
    last = serializers.DateField(help_text=_("应开期间止"))


class LateSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text=_("党组织 ID"))
    name = serializers.CharField(help_text=_("党组织名称"))
    area = serializers.CharField(help_text=_("区划代码"))
    missing = MissingSerializer(many=True, help_text=_("应开未开的会议"))


class AbsenceSerializer(serializers.Serializer):
    member = serializers.CharField(help_text=_("党员姓名"))
    member_id = serializers.IntegerField()
    organization = serializers.CharField(help_text=_("党组织名称"))
    meeting_id = serializers.IntegerField()
    kind = serializers.CharField(help_text=_("会议类别"))
    held_on = serializers.DateField(help_text=_("会议日期"))
    reason = serializers.CharField(help_text=_("缺席原因"))


class MeetingComplianceSerializer(serializers.Serializer):
    quarter = serializers.CharField(help_text=_("季度 YYYY-Qn"))
    reference_day = serializers.DateField(help_text=_("参考日（季度末或系统日期）"))
    organizations = serializers.IntegerField(help_text=_("有三会一课要求的党组织数"))
    late = serializers.IntegerField(help_text=_("未按期开会的党组织数"))
    missed_meetings = serializers.IntegerField(help_text=_("应开未开的会议数（组织×类别×期间）"))
    absences = serializers.IntegerField(help_text=_("缺席人次"))
    late_organizations = LateSerializer(many=True)
    absence_list = AbsenceSerializer(many=True)


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
        r = self.quarter
        result = meeting_compliance(user, area.code, r)
        counts = result.counts()
        data = {
            "quarter": r.label,
            "reference_day": counts["reference_day"],
            "organizations": counts["organizations"],
            "late": counts["late"],
            "missed_meetings": counts["missed_meetings"],
            "absences": counts["absences"],
            "late_organizations": [
                {
                    "id": item.organization.pk,
                    "name": item.organization.name,
                    "area": item.organization.area_id,
                    "missing": [
                        {"kind": p.kind, "first": p.first, "last": p.last} for p in item.missing
                    ],
                }
                for item in result.late
            ],
            "absence_list": [
                {
                    "member": a.member.name,
                    "member_id": a.member_id,
                    "organization": a.meeting.organization.name,
                    "meeting_id": a.meeting_id,
                    "kind": a.meeting.kind,
                    "held_on": a.meeting.held_on,
                    "reason": a.reason,
                }
                for a in result.absences
            ],
        }
        return MeetingComplianceSerializer(data).data
