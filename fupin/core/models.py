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
