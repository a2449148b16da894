from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VillagesConfig(AppConfig):
    name = "fupin.villages"
    verbose_name = _("贫困村")
