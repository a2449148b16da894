"""A county with registered households in every village: Arxan (阿尔山市, 8 townships, 18
villages), three poor and three exited households per village, one of them exited after the
round's year (so outside its exited stratum)."""

import pytest

from fupin.areas.models import Area, Level
from fupin.registry import codes
from tests.factories import make_household, make_user

ARXAN = "152202"
YEAR = 2017
DESIGN = {
    "villages_per_township": 2,
    "poor_per_village": 2,
    "exited_per_village": 2,
    "non_registered_per_village": 1,
}


@pytest.fixture
def arxan(db):
    villages = list(
        Area.objects.within(ARXAN)
        .filter(level=Level.VILLAGE, participates=True)
        .values_list("code", flat=True)
    )
    for village in villages:
        for _i in range(3):
            make_household(village, members=1, year=YEAR)
        for exit_year in (2015, 2016, 2018):
            make_household(
                village,
                members=1,
                year=YEAR,
                status=codes.Status.EXITED,
                exit_year=exit_year,
            )
    return Area.objects.get(pk=ARXAN)


@pytest.fixture
def people():
    return {
        "league": make_user("league_hq", "1522"),
        "county": make_user("county_office", ARXAN),
        "other_county": make_user("county_office", "152223"),
        "township": make_user("township_officer", "152202100"),
        "supervisor": make_user("supervisor", "1522"),
    }
