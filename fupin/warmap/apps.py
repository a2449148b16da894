from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WarmapConfig(AppConfig):
    name = "fupin.warmap"
    label = "warmap"
    verbose_name = _("挂图作战")

    def ready(self):
        from fupin.registry import rollups as registry_rollups

        from . import rollups, signals  # noqa: F401

        registry_rollups.register_hook(rollups.refresh)
