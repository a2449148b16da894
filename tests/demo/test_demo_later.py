"""The demo's parts left for later (docs/demo.md, "What comes later"): the registry and its
figures first, the other parts after, each in its own transaction, to the same rows."""

from __future__ import annotations

import dataclasses
import io

import pytest
from django.core.management import call_command

from fupin.accounts.models import User
from fupin.assistance.models import Pairing
from fupin.core.building import building_state
from fupin.demo import funds as demo_funds
from fupin.demo import services, users
from fupin.demo.generator import scaled_targets
from fupin.funds.models import Fund, HouseholdShare
from fupin.identification.models import Case
from fupin.registry.stats import area_stats
from tests.demo.snapshots import PASSWORD, SCALE, SEED, take_snapshot

NAMES = [part.name for part in services.LATER_PARTS]
FUNDS = "资金"


def _same_as_the_whole_build(demo) -> None:
    again = take_snapshot()
    assert set(again) == set(demo.snapshot)
    for part, rows in demo.snapshot.items():
        assert again[part] == rows, part


def test_the_registry_comes_first_and_a_failed_part_is_rolled_back_shown_and_built_next_time(
    demo, db, client, monkeypatch
):
    services.demo_reset()
    services.demo_build(seed=SEED, scale=SCALE, password=PASSWORD, leave_for_later=True)
    state = building_state()
    assert state.pending == NAMES and state.command == ["demo", "--rest"]
    assert state.data == {"seed": SEED, "scale": SCALE} and not state.failed
    # The seed's figures come first; the cases come later.
    admin = User.objects.get(username=users.ADMIN)
    targets = scaled_targets(SCALE)
    assert area_stats(admin, "1522", 2014).identified_persons == targets["identified_persons_2014"]
    assert area_stats(admin, "1522", 2016).poor_persons == targets["poor_persons_2016"]
    assert Pairing.objects.exists() and not Case.objects.exists()

    def funds_then_a_full_disk(**kwargs):
        demo_funds.demo_funds(**kwargs)
        raise OSError("磁盘已满")

    broken = tuple(
        dataclasses.replace(p, build=funds_then_a_full_disk) if p.name == FUNDS else p
        for p in services.LATER_PARTS
    )
    monkeypatch.setattr(services, "LATER_PARTS", broken)
    with pytest.raises(OSError, match="磁盘已满"):
        services.demo_build_later()
    state = building_state()
    before = NAMES[: NAMES.index(FUNDS)]
    assert state.done == before and state.pending == NAMES[len(before) :]
    assert state.failed == f"{FUNDS}：磁盘已满"
    assert Case.objects.exists()  # the parts before it are kept
    assert not Fund.objects.exists() and not HouseholdShare.objects.exists()  # none of its rows

    # Every page says what failed, how to go on and what is missing, in the user's language.
    page = client.get("/accounts/login/").content.decode()
    assert 'id="building"' in page and "磁盘已满" in page and "fupin demo --rest" in page
    assert "资金、集体经济" in page and "识别与退出案件" not in page
    client.cookies["django_language"] = "en"
    page = client.get("/accounts/login/").content.decode()
    assert "failed to build" in page and "Funds, Village collective economy" in page

    del client.cookies["django_language"]
    monkeypatch.undo()
    result = services.demo_build_later()
    assert [p.name for p in result.phases if p.name in NAMES] == NAMES[len(before) :]
    assert building_state() is None
    assert 'id="building"' not in client.get("/accounts/login/").content.decode()
    _same_as_the_whole_build(demo)


def test_the_command_leaves_the_later_parts_and_rest_builds_them(demo, db, client):
    out = io.StringIO()
    call_command(
        "demo", "--reset", "--scale", str(SCALE), "--seed", str(SEED), "--password", PASSWORD,
        stdout=out,
    )  # fmt: skip
    assert "fupin demo --rest" in out.getvalue() and building_state().pending == NAMES
    client.force_login(User.objects.get(username=users.ADMIN))
    page = client.get("/", follow=True).content.decode()
    assert 'id="building"' in page and "正在生成" in page and "识别与退出案件" in page

    out = io.StringIO()
    call_command("demo", "--if-empty", stdout=out)
    assert "其余部分尚未生成" in out.getvalue()

    out = io.StringIO()
    call_command("demo", "--rest", stdout=out)
    assert "演示数据已完整" in out.getvalue() and building_state() is None
    _same_as_the_whole_build(demo)
    assert 'id="building"' not in client.get("/", follow=True).content.decode()

    out = io.StringIO()
    call_command("demo", "--rest", stdout=out)
    assert "没有留待生成的部分" in out.getvalue()


def test_the_command_builds_everything_at_once_with_all(demo, db):
    call_command("demo", "--reset", "--scale", "0.005", "--all", stdout=io.StringIO())
    assert building_state() is None and Case.objects.exists() and Fund.objects.exists()
