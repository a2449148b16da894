from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FieldworkConfig(AppConfig):
    name = "fupin.fieldwork"
    label = "fieldwork"
    verbose_name = _("走访与民情")
