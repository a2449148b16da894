"""System-wide settings kept in the database (so a demo can set them for every process)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Setting(models.Model):
    key = models.CharField(_("键"), max_length=64, primary_key=True)
    value = models.TextField(_("值"), blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("系统设置")
        verbose_name_plural = _("系统设置")

    def __str__(self):
        return f"{self.key}={self.value}"


class AuditEvent(models.Model):
    """An append-only record of a sensitive read or an export: who saw what, when."""

    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        "accounts.User", verbose_name=_("用户"), null=True, on_delete=models.SET_NULL
    )
    action = models.CharField(_("操作"), max_length=40)
    target = models.CharField(_("对象"), max_length=100, blank=True)
    detail = models.JSONField(_("详情"), default=dict, blank=True)

    class Meta:
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        ordering = ["-at"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.action} {self.target}"


class ProcedureStep(models.Model):
    """A step taken in an exit procedure run on fupin.core.workflow (a village's, a county's):
    who took it, when, with what opinion and what the exit rule's result was at the time.
    The concrete step adds its ``case`` and the area it is scoped by."""

    step = models.CharField(_("环节"), max_length=24)
    approved = models.BooleanField(_("同意"), default=True)
    opinion = models.TextField(_("意见"), blank=True)
    # The exit rule's result the step saw (each condition, its value and threshold).
    result = models.JSONField(_("评估结果"), default=dict, blank=True)
    taken_on = models.DateField(_("办理日期"))
    actor = models.ForeignKey(
        "accounts.User",
        verbose_name=_("办理人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        abstract = True
        ordering = ["case", "pk"]

    def __str__(self):
        return f"{self.case_id} {self.step}"

    @classmethod
    def record(cls, case, step, actor, *, approved=True, opinion="", result=None):
        """Write ``step`` (a fupin.core.workflow step) as taken on ``case`` today by ``actor``,
        in the case's area."""
        from fupin.core.clock import as_of  # the clock reads Setting, defined above

        area = cls.scope_field  # type: ignore[attr-defined]
        return cls.objects.create(  # type: ignore[attr-defined]
            case=case,
            **{area: getattr(case, area)},
            step=step.name,
            approved=approved,
            opinion=opinion,
            result=result or {},
            taken_on=as_of(),
            actor=actor if actor is not None and actor.is_authenticated else None,
        )
