from django.urls import path

from .api import AreaOutreachView, AreaSubsidiesView

app_name = "outreach-api"
urlpatterns = [
    path("areas/<str:code>/outreach/", AreaOutreachView.as_view(), name="area-outreach"),
    path("areas/<str:code>/subsidies/", AreaSubsidiesView.as_view(), name="area-subsidies"),
]
