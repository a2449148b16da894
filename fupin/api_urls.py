"""The REST API (DRF): routers of each app, the OpenAPI schema and the offline Swagger UI.

Every view here is marked (:mod:`fupin.areas.scope`): the data endpoints are scope-safe (they
read through ``accessible_to`` / ``access_*``), the schema, docs, token and root are public
(they show no record). See ``docs/api.md``.
"""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import APIRootView, DefaultRouter

from fupin.accounts.views import TokenView
from fupin.areas.api import AreaViewSet
from fupin.areas.scope import public, public_class
from fupin.registry.api import AreaStatsView, HouseholdViewSet


@public_class
class ApiRootView(APIRootView):
    """The list of the API's top-level endpoints (links only, no records)."""


class ApiRouter(DefaultRouter):
    APIRootView = ApiRootView
    include_format_suffixes = False


router = ApiRouter()
router.register("areas", AreaViewSet, basename="api-area")
router.register("households", HouseholdViewSet, basename="api-household")

urlpatterns = [
    path("schema/", public(SpectacularAPIView.as_view()), name="schema"),
    path(
        "docs/", public(SpectacularSwaggerSplitView.as_view(url_name="schema")), name="swagger-ui"
    ),
    path("auth/token/", public(TokenView.as_view()), name="api-token"),
    path("", include("fupin.assessment.api_urls")),
    path("", include("fupin.assistance.api_urls")),
    path("", include("fupin.fieldwork.api_urls")),
    path("", include("fupin.cadres.api_urls")),
    path("", include("fupin.party.api_urls")),
    path("", include("fupin.duties.api_urls")),
    path("", include("fupin.command.api_urls")),
    path("", include("fupin.funds.api_urls")),
    path("", include("fupin.collective.api_urls")),
    path("", include("fupin.villages.api_urls")),
    path("", include("fupin.counties.api_urls")),
    path("", include("fupin.outreach.api_urls")),
    path("", include("fupin.safetynet.api_urls")),
    path("", include("fupin.leaders.api_urls")),
    path("", include("fupin.warmap.api_urls")),
    path("", include("fupin.reports.api_urls")),
    path("", include("fupin.inbox.api_urls")),
    path("", include("fupin.quality.quality_api_urls")),
    path("areas/<str:code>/stats/", AreaStatsView.as_view(), name="api-area-stats"),
    path("", include(router.urls)),
]
