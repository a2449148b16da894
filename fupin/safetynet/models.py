"""Safety-net policies (docs/domain.md §3.7): education, health and living-assistance enrolments per
member and year, and who qualifies but is not covered.

A :class:`PolicyEnrolment` is one person under one policy in one year, with the amount paid
(or granted) that year. A person has at most one enrolment per policy and year. The rules of
"qualifies but not covered" are pure functions in :mod:`fupin.safetynet.rules`; the counts
per area in :mod:`fupin.safetynet.selectors` (``docs/safetynet.md``).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from fupin.areas.scope import ScopedManager


class Policy(models.TextChoices):
    EDUCATION = "education", _("教育资助")
    HEALTH = "health", _("健康扶贫（医疗救助）")
    LIVING = "living", _("低保兜底")
    DESTITUTE = "destitute", _("特困供养")
    OTHER = "other", _("其他救助")


class PolicyEnrolment(models.Model):
    scope_field = "village_id"

    member = models.ForeignKey(
        "registry.Member",
        verbose_name=_("成员"),
        on_delete=models.CASCADE,
        related_name="policy_enrolments",
        # The unique (member, year, policy) index serves lookups by member.
        db_index=False,
    )
    household = models.ForeignKey(
        "registry.Household",
        verbose_name=_("户"),
        on_delete=models.CASCADE,
        related_name="policy_enrolments",
        # The (household, year) index serves lookups by household.
        db_index=False,
    )
    village = models.ForeignKey(
        "areas.Area", verbose_name=_("嘎查村"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    policy = models.CharField(_("政策"), max_length=12, choices=Policy.choices)
    amount = models.DecimalField(_("金额（元）"), max_digits=14, decimal_places=2, default=0)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    history = HistoricalRecords(cascade_delete_history=False)
    objects = ScopedManager()

    class Meta:
        verbose_name = _("政策保障")
        verbose_name_plural = _("政策保障")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "year", "policy"], name="enrolment_member_year_policy"
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="enrolment_amount_gte_0"
            ),
        ]
        indexes = [
            models.Index(fields=["year", "policy", "village"], name="enrolment_year_policy_idx"),
            models.Index(fields=["household", "year"], name="enrolment_household_year_idx"),
        ]
        ordering = ["year", "policy"]

    def __str__(self):
        return f"{self.member_id} {self.year} {self.get_policy_display()}"
