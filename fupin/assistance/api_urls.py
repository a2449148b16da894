from django.urls import path

from .api import AreaCoverageView

app_name = "assistance-api"
urlpatterns = [
    path("areas/<str:code>/coverage/", AreaCoverageView.as_view(), name="area-coverage"),
]
