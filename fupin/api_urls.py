"""The REST API (DRF): routers of each app, the OpenAPI schema and the offline Swagger UI."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.authtoken.views import ObtainAuthToken

from fupin.areas.scope import public, scope_safe

urlpatterns = [
    path("schema/", public(SpectacularAPIView.as_view()), name="schema"),
    path("docs/", public(SpectacularSwaggerView.as_view(url_name="schema")), name="swagger-ui"),
    path("token/", public(ObtainAuthToken.as_view()), name="api-token"),
]

_ = (include, scope_safe)
