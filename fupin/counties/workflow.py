"""The steps of a county's exit (贫困县摘帽), as a chain of :mod:`fupin.core.workflow`
(docs/counties.md).

The county applies, the league reviews, the region decides (held to the exit rule), publishes
the notice and, once the notice period is over, announces the exit. fupin has no regional
role: league headquarters takes the region's steps (docs/counties.md).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from fupin.accounts.actions import Action
from fupin.core.workflow import Chain, Step

NOTICE_DAYS = 7

STEPS: tuple[Step, ...] = (
    Step("applied", _("旗县申请"), Action.COUNTY_EXIT_COUNTY),
    Step("league_review", _("盟市审核"), Action.COUNTY_EXIT_LEAGUE, decides=True),
    Step("region_decision", _("自治区审定"), Action.COUNTY_EXIT_REGION, decides=True),
    Step("notice", _("自治区公示"), Action.COUNTY_EXIT_REGION),
    Step("announced", _("自治区公告摘帽"), Action.COUNTY_EXIT_REGION, final=True),
)
CHAIN = Chain(STEPS, notice_days=NOTICE_DAYS)
