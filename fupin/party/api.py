"""``/api/areas/<code>/meeting-compliance/?quarter=YYYY-Qn``: the compliance page's selector."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from fupin.areas.api import BAD_REQUEST, NOT_FOUND
from fupin.areas.scope import scope_safe_class
from fupin.areas.selectors import access_area

from .selectors import current_quarter, meeting_compliance, parse_quarter


class MissingSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="会议类别")
    first = serializers.DateField(help_text="应开期间起")
    last = serializers.DateField(help_text="应开期间止")


class LateSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="党组织 ID")
    name = serializers.CharField(help_text="党组织名称")
    area = serializers.CharField(help_text="区划代码")
    missing = MissingSerializer(many=True, help_text="应开未开的会议")


class AbsenceSerializer(serializers.Serializer):
    member = serializers.CharField(help_text="党员姓名")
    member_id = serializers.IntegerField()
    organization = serializers.CharField(help_text="党组织名称")
    meeting_id = serializers.IntegerField()
    kind = serializers.CharField(help_text="会议类别")
    held_on = serializers.DateField(help_text="会议日期")
    reason = serializers.CharField(help_text="缺席原因")


class MeetingComplianceSerializer(serializers.Serializer):
    quarter = serializers.CharField(help_text="季度 YYYY-Qn")
    reference_day = serializers.DateField(help_text="参考日（季度末或系统日期）")
    organizations = serializers.IntegerField(help_text="有三会一课要求的党组织数")
    late = serializers.IntegerField(help_text="未按期开会的党组织数")
    missed_meetings = serializers.IntegerField(help_text="应开未开的会议数（组织×类别×期间）")
    absences = serializers.IntegerField(help_text="缺席人次")
    late_organizations = LateSerializer(many=True)
    absence_list = AbsenceSerializer(many=True)


@scope_safe_class
class MeetingComplianceView(APIView):
    @extend_schema(
        summary="区划三会一课落实情况（与合规页同一口径）",
        parameters=[
            OpenApiParameter("code", str, OpenApiParameter.PATH, description="区划代码"),
            OpenApiParameter("quarter", str, description="季度 YYYY-Qn（默认：系统日期所在季度）"),
        ],
        responses={200: MeetingComplianceSerializer, 400: BAD_REQUEST, 404: NOT_FOUND},
    )
    def get(self, request, code):
        value = request.query_params.get("quarter")
        try:
            r = parse_quarter(value) if value else current_quarter()
        except ValueError:
            raise ValidationError({"quarter": ["格式应为 YYYY-Qn，例如 2017-Q2"]}) from None
        area = access_area(request.user, code)
        result = meeting_compliance(request.user, area.code, r)
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
        return Response(MeetingComplianceSerializer(data).data)
