from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "fupin.assessment"
    label = "assessment"
    verbose_name = _("评估与监测")

    def ready(self):
        from fupin.registry.changes import households_split

        from .services import households_assess

        # A household split (分户) assesses both households of the year on their own.
        households_split.connect(
            lambda sender, signal=None, **kwargs: households_assess(**kwargs),
            dispatch_uid="assessment.households_split",
            weak=False,
        )
