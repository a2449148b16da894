"""The areas' own page: the county boundaries of the map (public data, no record).

The pages that show an area's figures (home, overview, browser) read the registry and the
assessment, so they live above both, in :mod:`fupin.warmap.overview`."""

from pathlib import Path

from django.http import FileResponse, Http404
from django.views.decorators.http import require_GET

from .scope import public

COUNTIES_GEOJSON = Path(__file__).with_name("data") / "hinggan-counties.geojson"


@public
@require_GET
def counties_geojson(request):
    """County boundaries (public map data, not registry data)."""
    if not COUNTIES_GEOJSON.exists():
        raise Http404
    # FileResponse closes the file when the response is closed.
    response = FileResponse(open(COUNTIES_GEOJSON, "rb"), content_type="application/geo+json")  # noqa: SIM115
    response["Cache-Control"] = "public, max-age=86400"
    return response
