from django.urls import path

from . import views

app_name = "areas"
urlpatterns = [
    path("", views.home, name="home"),
    path("areas/", views.browser, name="browser"),
    path("areas/<str:code>/", views.overview, name="overview"),
    path("areas/<str:code>/children/", views.tree_children, name="tree_children"),
    path("maps/counties.geojson", views.counties_geojson, name="counties_geojson"),
]
