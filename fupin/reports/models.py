"""A published report: the frozen snapshot of one kind, period and area (docs/reports.md).

A draft is never stored: its page is computed live from the records. Publishing stores the
content (everything the page, the xlsx and the PDF show, as JSON) and the two files, so a
later change to the records cannot alter what was published. Publishing the same kind,
period and area again stores a new version; the earlier one is kept, marked superseded.
"""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from fupin.areas.scope import ScopedManager

from .periods import KIND_LABELS, KINDS


class Report(models.Model):
    scope_field = "area_id"

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")
        SUPERSEDED = "superseded", _("已被新版本替代")

    kind = models.CharField(_("类型"), max_length=10, choices=[(k, KIND_LABELS[k]) for k in KINDS])
    first = models.DateField(_("起始日期"))
    last = models.DateField(_("截止日期"))
    label = models.CharField(_("期别"), max_length=40)
    key = models.CharField(_("期别代码"), max_length=20)
    area = models.ForeignKey(
        "areas.Area", verbose_name=_("区划"), on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.PUBLISHED
    )
    content = models.JSONField(_("内容"), encoder=DjangoJSONEncoder)
    generated_at = models.DateTimeField(_("生成时间"))
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发布人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    xlsx = models.FileField(_("Excel 文件"), upload_to="reports/", blank=True)
    pdf = models.FileField(_("PDF 文件"), upload_to="reports/", blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("报告通报")
        verbose_name_plural = _("报告通报")
        ordering = ["-first", "kind", "area_id", "-version"]
        indexes = [
            models.Index(fields=["area", "kind", "first"], name="report_area_kind_first_idx")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "area", "first", "version"], name="report_version_uniq"
            )
        ]

    def __str__(self):
        return f"{self.area_id} {self.label}{self.get_kind_display()} v{self.version}"
