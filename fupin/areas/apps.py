from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class AreasConfig(AppConfig):
    name = "fupin.areas"
    label = "areas"
    verbose_name = _("行政区划")

    def ready(self):
        from .checks import check_scoped_models

        checks.register(check_scoped_models, checks.Tags.models)
