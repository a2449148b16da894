"""The area pages' URLs, in the ``areas`` namespace they have always had."""

from django.urls import path

from fupin.areas import views as area_views

from . import overview

app_name = "areas"
urlpatterns = [
    path("", overview.home, name="home"),
    path("areas/", overview.browser, name="browser"),
    path("areas/<str:code>/", overview.overview, name="overview"),
    path("areas/<str:code>/children/", overview.tree_children, name="tree_children"),
    path("maps/counties.geojson", area_views.counties_geojson, name="counties_geojson"),
]
