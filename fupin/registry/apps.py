from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "fupin.registry"
    label = "registry"
    verbose_name = _("建档立卡")

    def ready(self):
        from . import signals  # noqa: F401  (connects the rollup handlers)
