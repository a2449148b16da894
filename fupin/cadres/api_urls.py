from django.urls import path

from .api import AreaEvaluationsView, AreaTeamStructureView

app_name = "cadres-api"
urlpatterns = [
    path("areas/<str:code>/evaluations/", AreaEvaluationsView.as_view(), name="area-evaluations"),
    path(
        "areas/<str:code>/team-structure/",
        AreaTeamStructureView.as_view(),
        name="area-team-structure",
    ),
]
