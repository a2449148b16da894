from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InboxConfig(AppConfig):
    name = "fupin.inbox"
    label = "inbox"
    verbose_name = _("待办")

    def ready(self):
        from fupin.notify.services import register_inbox_counter

        from .selectors import unread_count

        register_inbox_counter(unread_count)
