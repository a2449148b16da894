from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    name = "fupin.outreach"
    label = "outreach"
    verbose_name = _("宣讲与联系点台账")
