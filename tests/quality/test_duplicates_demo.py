"""The demo's typed-twice persons: planted in place (no member added), then found."""

import datetime

import pytest

from fupin.demo import quality_dupes
from fupin.quality import duplicates
from fupin.quality.models import Flag
from fupin.quality.recheck_models import RecheckRun
from fupin.registry import codes
from fupin.registry.models import Member
from tests.factories import CHANGFA, SHUANGYUSHU, make_household


@pytest.mark.django_db
def test_the_demo_plants_copies_in_place_and_the_finders_find_them():
    for village, head in ((CHANGFA, "张三"), (SHUANGYUSHU, "李四"), (CHANGFA, "王五")):
        make_household(village, members=3, head_name=head)
    before = Member.objects.count()
    result = quality_dupes.demo_quality_dupes(seed=1, day=datetime.date(2017, 6, 30))
    assert Member.objects.count() == before
    assert result["planted"] == 2
    assert (
        not Member.objects.filter(relation=codes.Relation.HEAD)
        .exclude(name__in=["张三", "李四", "王五"])
        .exists()
    )
    rules = set(Flag.objects.values_list("rule_code", flat=True))
    assert {duplicates.RULE_ID_DIGIT, duplicates.RULE_NAME_BIRTH} <= rules
    assert RecheckRun.objects.count() == 1
    quality_dupes.demo_quality_dupes_reset()
    assert not RecheckRun.objects.exists()
