"""The steps of a village's exit (贫困村出列), as data (docs/villages.md).

The household cases of :mod:`fupin.identification` hold a household and complete into the
registry, so a village's exit has its own small chain (on :mod:`fupin.core.workflow`) with
the same shape: a case's ``state`` is the last step it reached, the next step is the one
after it, and each step is its level's
(:mod:`fupin.accounts.actions`: the village team applies, the township reviews, the county
decides, publishes the notice and, once the notice period is over, announces the exit).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from fupin.accounts.actions import Action
from fupin.core.workflow import Chain, Step

# Days a village exit stays on notice before the county may announce it.
NOTICE_DAYS = 7

STEPS: tuple[Step, ...] = (
    Step("applied", _("嘎查村申请"), Action.VILLAGE_EXIT_VILLAGE),
    Step("township_review", _("苏木乡镇审核"), Action.VILLAGE_EXIT_TOWNSHIP, decides=True),
    Step("county_decision", _("旗县审定"), Action.VILLAGE_EXIT_COUNTY, decides=True),
    Step("notice", _("旗县公示"), Action.VILLAGE_EXIT_COUNTY),
    Step("announced", _("旗县公告出列"), Action.VILLAGE_EXIT_COUNTY, final=True),
)
# The steps run on the shared engine (fupin.core.workflow), as the county exit's do.
CHAIN = Chain(STEPS, notice_days=NOTICE_DAYS)
step = CHAIN.step
next_step = CHAIN.next_step
label = CHAIN.label
