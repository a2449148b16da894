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
