from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QualityConfig(AppConfig):
    name = "fupin.quality"
    verbose_name = _("数据质量")
