"""The third-party sample: the same seed draws the same sample; villages are drawn per
township, households per village and stratum from the registry's facts."""

from collections import Counter

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fupin.areas.models import Area, Level
from fupin.counties import services
from fupin.counties.models import AssessmentRound, SampledHousehold
from fupin.registry import codes
from tests.counties.conftest import DESIGN, YEAR

pytestmark = pytest.mark.django_db
Stratum = SampledHousehold.Stratum


def _draw(arxan, people, seed, kind=AssessmentRound.Kind.PRE):
    round_ = services.round_create(
        actor=people["league"], county=arxan, year=YEAR, kind=kind, seed=seed, design=DESIGN
    )
    return [
        (s.position, s.village_id, s.stratum, s.household_id)
        for s in SampledHousehold.objects.filter(round=round_).order_by("position")
    ]


def test_the_same_seed_draws_the_same_sample(arxan, people):
    first = _draw(arxan, people, 42)
    again = _draw(arxan, people, 42, kind=AssessmentRound.Kind.FORMAL)
    assert first == again
    AssessmentRound.objects.all().delete()
    other = _draw(arxan, people, 43)
    assert other != first


def test_the_strata(arxan, people):
    sample = _draw(arxan, people, 7)
    villages = sorted({v for _p, v, _s, _h in sample})
    per_township = Counter(v[:9] for v in villages)
    # Two villages of each township (or all of a township that has fewer).
    townships = Counter(
        Area.objects.within(arxan.code)
        .filter(level=Level.VILLAGE, participates=True)
        .values_list("parent_id", flat=True)
    )
    assert per_township == {t: min(2, n) for t, n in townships.items()}
    rows = SampledHousehold.objects.select_related("household")
    for row in rows:
        if row.stratum == Stratum.POOR:
            assert row.household.status in codes.POOR_STATUSES
        elif row.stratum == Stratum.EXITED:
            assert row.household.status in codes.EXITED_STATUSES
            assert row.household.exit_year <= YEAR
        else:
            assert row.household_id is None and row.address
        assert row.household_id is None or row.household.village_id == row.village_id
    counts = Counter((v, s) for _p, v, s, _h in sample)
    for village in villages:
        assert counts[(village, Stratum.POOR)] == 2
        assert counts[(village, Stratum.EXITED)] == 2
        assert counts[(village, Stratum.NON_REGISTERED)] == 1
    # No household twice.
    households = [h for _p, _v, _s, h in sample if h is not None]
    assert len(households) == len(set(households))


def test_the_round_stores_its_seed_and_design(arxan, people):
    round_ = services.round_create(actor=people["league"], county=arxan, year=YEAR, design=DESIGN)
    assert round_.seed is not None
    assert round_.design == DESIGN
    again = services.round_create(
        actor=people["league"],
        county=arxan,
        year=YEAR,
        kind=AssessmentRound.Kind.FORMAL,
        seed=round_.seed,
        design=round_.design,
    )
    first = list(round_.samples.values_list("household_id", flat=True))
    assert list(again.samples.values_list("household_id", flat=True)) == first


def test_only_league_headquarters_draws(arxan, people):
    for who in ("county", "township", "supervisor", "other_county"):
        with pytest.raises(PermissionDenied):
            services.round_create(actor=people[who], county=arxan, year=YEAR, seed=1)
    services.round_create(actor=people["league"], county=arxan, year=YEAR, seed=1)
    with pytest.raises(ValidationError):
        services.round_create(actor=people["league"], county=arxan, year=YEAR, seed=2)
