"""A message to one user (docs/inbox.md): what landed on the user, where to go to act on it.

The in-app channel is this row; email and SMS are sent beside it (:mod:`fupin.notify.services`).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fupin.core import clock


class Notification(models.Model):
    # A user's own messages, shown only to that user (like the user's API tokens).
    scope_exempt = "a user's own messages, shown only to that user"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("类型"), max_length=40)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("发送时间"), default=clock.now)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("消息")
        verbose_name_plural = _("消息")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread_idx")]

    def __str__(self):
        return f"{self.user_id} · {self.kind} · {self.title}"
