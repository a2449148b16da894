"""Synthetic village locations for the demo (docs/demo.md): the check-in geofence needs them.

The real villages' coordinates are not in the repository. Each demo village gets a point
inside its county: on a disc around the county's seat (``center`` in
``fupin/areas/data/hinggan-counties.geojson``) whose radius is 80 % of the seat's distance to
the nearest edge of the county boundary, so every point lies inside the county. The point
is fixed by the village code (the same on every build), and it is not where the village is.
"""

from __future__ import annotations

import hashlib
import json
import math
from decimal import Decimal

from fupin.areas.models import Area, Level
from fupin.areas.services import HINGGAN_DIVISIONS, areas_set_locations

COUNTIES = HINGGAN_DIVISIONS.with_name("hinggan-counties.geojson")
KM_PER_DEGREE = 111.195


def _edge_km(cx: float, cy: float, ring: list) -> float:
    """The distance in km from (cx, cy) to the nearest edge of ``ring`` (local flat metric)."""
    kx = math.cos(math.radians(cy)) * KM_PER_DEGREE
    best = math.inf
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        ax, ay = (x1 - cx) * kx, (y1 - cy) * KM_PER_DEGREE
        bx, by = (x2 - cx) * kx, (y2 - cy) * KM_PER_DEGREE
        dx, dy = bx - ax, by - ay
        length = dx * dx + dy * dy
        t = 0.0 if length == 0 else max(0.0, min(1.0, -(ax * dx + ay * dy) / length))
        best = min(best, math.hypot(ax + t * dx, ay + t * dy))
    return best


def county_discs() -> dict[str, tuple[float, float, float]]:
    """County code → (lon, lat, radius km) of the disc the county's villages are placed on."""
    features = json.loads(COUNTIES.read_text(encoding="utf-8"))["features"]
    discs = {}
    for feature in features:
        cx, cy = feature["properties"]["center"]
        rings = feature["geometry"]["coordinates"]
        if feature["geometry"]["type"] == "MultiPolygon":
            rings = [ring for polygon in rings for ring in polygon]
        radius = 0.8 * min(_edge_km(cx, cy, ring) for ring in rings)
        discs[feature["properties"]["code"]] = (cx, cy, radius)
    return discs


def village_point(code: str, disc: tuple[float, float, float]) -> tuple[Decimal, Decimal]:
    cx, cy, radius = disc
    digest = hashlib.sha256(code.encode()).digest()
    angle = digest[0] / 256 * 2 * math.pi
    # The square root spreads the points evenly over the disc's area.
    distance = radius * math.sqrt(int.from_bytes(digest[1:3], "big") / 65536)
    lat = cy + distance * math.sin(angle) / KM_PER_DEGREE
    lon = cx + distance * math.cos(angle) / (KM_PER_DEGREE * math.cos(math.radians(cy)))
    q = Decimal("0.000001")
    return Decimal(lat).quantize(q), Decimal(lon).quantize(q)


def demo_locations() -> int:
    """Give every village of the league's counties a synthetic location; return how many."""
    discs = county_discs()
    codes = Area.objects.filter(level=Level.VILLAGE).values_list("code", flat=True)
    points = [(code, *village_point(code, discs[code[:6]])) for code in codes if code[:6] in discs]
    return areas_set_locations(points)
