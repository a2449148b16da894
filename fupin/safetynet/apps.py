from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SafetynetConfig(AppConfig):
    name = "fupin.safetynet"
    label = "safetynet"
    verbose_name = _("兜底保障")
