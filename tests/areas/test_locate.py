"""``fupin areas locate FILE.csv``: village locations, all or nothing; the demo's synthetic ones."""

from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from fupin.areas.models import Area
from fupin.demo.locations import county_discs, demo_locations, village_point
from tests.factories import CHANGFA, HADANALA

pytestmark = pytest.mark.django_db


def _file(tmp_path, text):
    path = tmp_path / "points.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_locate_loads_the_points(tmp_path):
    path = _file(tmp_path, f"code,lat,lon\n{CHANGFA},46.7,122.9\n{HADANALA},46.0812345,122.05\n")
    call_command("areas_locate", str(path), verbosity=0)
    changfa = Area.objects.get(code=CHANGFA)
    assert (changfa.lat, changfa.lon) == (Decimal("46.700000"), Decimal("122.900000"))
    assert Area.objects.get(code=HADANALA).lat == Decimal("46.081235")


def test_locate_is_all_or_nothing_and_names_row_and_field(tmp_path, capsys):
    path = _file(
        tmp_path,
        f"code,lat,lon\n{CHANGFA},46.7,122.9\n152223999999,46,122\n{HADANALA},95,abc\n",
    )
    with pytest.raises(CommandError, match="3 处错误"):
        call_command("areas_locate", str(path), verbosity=0)
    err = capsys.readouterr().err
    assert "第3行" in err and "152223999999" in err
    assert "第4行：字段“lat”" in err and "第4行：字段“lon”" in err
    assert Area.objects.get(code=CHANGFA).lat is None


def test_locate_checks_the_header(tmp_path):
    with pytest.raises(CommandError):
        call_command("areas_locate", str(_file(tmp_path, "code,lon,lat\n")), verbosity=0)


def test_the_cli_alias(tmp_path, monkeypatch):
    from django.core import management

    from fupin import cli

    path = _file(tmp_path, f"code,lat,lon\n{CHANGFA},46.7,122.9\n")
    # Django's command line closes the database connections when it ends, the test's too:
    # the words it is given are checked, then the command runs in this connection.
    given = []
    monkeypatch.setattr(management, "execute_from_command_line", given.append)
    cli.main(["areas", "locate", str(path), "-v0"])
    assert given == [["fupin", "areas_locate", str(path), "-v0"]]
    call_command(*given[0][1:])
    assert Area.objects.get(code=CHANGFA).lon == Decimal("122.900000")


def _inside(x, y, ring):
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
            inside = not inside
    return inside


def test_the_demo_places_every_village_inside_its_county():
    import json

    from fupin.demo.locations import COUNTIES

    rings = {
        f["properties"]["code"]: f["geometry"]["coordinates"][0]
        for f in json.loads(COUNTIES.read_text(encoding="utf-8"))["features"]
    }
    assert demo_locations() > 1000
    discs = county_discs()
    for code, lat, lon in Area.objects.filter(level="village").values_list("code", "lat", "lon"):
        assert _inside(float(lon), float(lat), rings[code[:6]]), code
        assert (lat, lon) == village_point(code, discs[code[:6]])
