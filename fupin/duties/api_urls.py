from django.urls import path

from .api import AreaDutyRankingView

app_name = "duties-api"
urlpatterns = [
    path("areas/<str:code>/duty-ranking/", AreaDutyRankingView.as_view(), name="area-duty-ranking"),
]
