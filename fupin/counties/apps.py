from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CountiesConfig(AppConfig):
    name = "fupin.counties"
    verbose_name = _("贫困县摘帽")
