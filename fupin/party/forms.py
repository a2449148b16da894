"""The meeting record form: kind, date, topic, minutes, attachment and one row per member
with a 缺席 checkbox and a reason (attendance by exception)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from fupin.core.clock import as_of
from fupin.core.uploads import check_upload_size

from .models import (
    ATTACHMENT_EXTENSIONS,
    ATTACHMENT_MAX_BYTES,
    ArchiveEntry,
    MeetingAbsence,
    MeetingKind,
    requirements,
)

GROUP_KINDS = (MeetingKind.GROUP_MEETING,)
BRANCH_KINDS = (MeetingKind.COMMITTEE_MEETING, MeetingKind.MEMBERS_MEETING, MeetingKind.LESSON)


def kinds_for(organization) -> list[tuple[str, str]]:
    """The meeting kinds an organisation holds: those its requirements name, else by kind."""
    kinds = [r.kind for r in requirements() if organization.kind in (r.organization_kinds or ())]
    if not kinds:
        kinds = GROUP_KINDS if organization.is_group else BRANCH_KINDS
    return [(k, MeetingKind(k).label) for k in MeetingKind.values if k in kinds]


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(label=_("会议类别"), choices=())
    # An <input type="date"> takes ISO dates only, whatever the language.
    held_on = forms.DateField(
        label=_("召开日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    # Needed only when the meeting is dated before today (补录, within the window).
    backdate_reason = forms.CharField(
        label=_("补录原因"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    topic = forms.CharField(label=_("主题"), max_length=200)
    minutes = forms.CharField(
        label=_("会议记录"), required=False, widget=forms.Textarea({"rows": 4})
    )
    attachment = forms.FileField(label=_("附件（pdf、jpg、png、docx，10 MB 以内）"), required=False)
    # Shown when the date falls in a closed quarter (fupin.areas.periods).
    correction_reason = forms.CharField(label=_("更正原因"), required=False, max_length=500)

    def __init__(self, *args, organization, members, closed_quarters=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.closed_quarters = list(closed_quarters)
        self.organization = organization
        self.members = list(members)
        self.fields["kind"].choices = kinds_for(organization)
        self.fields["held_on"].initial = as_of()
        self.absences: list[tuple[int, str, str]] = []
        self.rows = []
        data = self.data if self.is_bound else {}
        for member in self.members:
            self.rows.append(
                {
                    "member": member,
                    "absent": bool(data.get(f"absent_{member.pk}")),
                    "reason": data.get(f"reason_{member.pk}", ""),
                    "note": data.get(f"note_{member.pk}", ""),
                    "error": "",
                }
            )

    reasons = MeetingAbsence.Reason.choices

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        if not upload:
            return upload
        check_upload_size(upload)
        extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
        if extension not in ATTACHMENT_EXTENSIONS:
            raise forms.ValidationError(_("附件只接受 pdf、jpg、png、docx 文件。"))
        if upload.size > ATTACHMENT_MAX_BYTES:
            raise forms.ValidationError(_("附件不能超过 10 MB。"))
        return upload

    def clean(self):
        cleaned = super().clean()
        known = {m.pk for m in self.members}
        for key in self.data:
            if key.startswith("absent_"):
                pk = key.removeprefix("absent_")
                if not pk.isdigit() or int(pk) not in known:
                    raise forms.ValidationError(_("缺席党员不属于本组织。"))
        missing = []
        for row in self.rows:
            if not row["absent"]:
                continue
            if row["reason"] not in MeetingAbsence.Reason.values:
                row["error"] = _("请选择缺席原因。")
                missing.append(row["member"].name)
                continue
            self.absences.append((row["member"].pk, row["reason"], row["note"][:200]))
        if missing:
            raise forms.ValidationError(
                _("以下缺席党员未填写缺席原因：%(names)s") % {"names": "、".join(missing)}
            )
        return cleaned


class TransferForm(forms.Form):
    to_organization = forms.ModelChoiceField(
        label=_("转入党组织"), queryset=None, required=False, empty_label=_("（转出至外地）")
    )
    date = forms.DateField(
        label=_("转接日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    reason = forms.CharField(label=_("转接原因"), max_length=200, required=False)
    destination = forms.CharField(label=_("转往（外地）"), max_length=100, required=False)

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_organization"].queryset = organizations
        self.fields["date"].initial = as_of()

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("to_organization") and not cleaned.get("destination"):
            raise forms.ValidationError(_("请选择转入党组织，或填写转往的外地党组织。"))
        return cleaned


class ArchiveEntryForm(forms.ModelForm):
    class Meta:
        model = ArchiveEntry
        fields = ("kind", "year", "text", "result")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == ArchiveEntry.Kind.APPRAISAL and not cleaned.get("result"):
            self.add_error("result", _("民主评议须填写评议结果。"))
        year = cleaned.get("year")
        if year and not (1950 <= year <= as_of().year):
            self.add_error("year", _("年度不正确。"))
        return cleaned
