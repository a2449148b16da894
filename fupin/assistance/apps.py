from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssistanceConfig(AppConfig):
    name = "fupin.assistance"
    label = "assistance"
    verbose_name = _("帮扶")

    def ready(self):
        from fupin.registry import exporting

        from . import selectors

        exporting.register_readable_columns(selectors.pairing_columns)
