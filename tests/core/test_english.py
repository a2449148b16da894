"""Messages written in Chinese and stored (or raised) are read in the reader's language."""

import pytest
from django.utils import translation

from fupin.assessment import rules as assessment_rules
from fupin.core import idnumber
from fupin.registry import rules


def test_a_stored_reason_reads_the_same_in_chinese_and_translated_in_english():
    stored = assessment_rules.MSG_UNSTABLE.format(
        income="3,284.33", threshold="4,428", line="2,952", ratio="1.5"
    )
    with translation.override("zh-hans"):
        assert assessment_rules.reason_display(stored) == stored
    with translation.override("en"):
        assert assessment_rules.reason_display(stored) == (
            "Per-capita net income 3,284.33 yuan < monitoring line 4,428 yuan "
            "(poverty line 2,952 yuan × 1.5)"
        )


def test_a_reason_no_message_explains_is_shown_as_stored():
    with translation.override("en"):
        assert assessment_rules.reason_display("旧版本的原因") == "旧版本的原因"


def test_every_assessment_reason_has_its_english():
    with translation.override("en"):
        for template in assessment_rules.REASONS:
            assert translation.gettext(template) != template, template


def test_id_number_errors_are_raised_in_the_active_language():
    with translation.override("en"), pytest.raises(idnumber.IdNumberError) as error:
        idnumber.parse_id_number("1234")
    english = str(error.value)
    assert (
        "18" in english and "4" in english and not any("\u4e00" <= c <= "\u9fff" for c in english)
    )
    with translation.override("zh-hans"), pytest.raises(idnumber.IdNumberError) as error:
        idnumber.parse_id_number("1234")
    assert str(error.value) == idnumber.MSG_LENGTH % {"length": 4}


def test_registry_rule_reasons_are_written_in_the_active_language():
    with translation.override("en"):
        message = rules.record_message(2, "152223100234001", "张三", "x")
    assert message == "Row 2 (household 152223100234001, name 张三): x"
