from django.urls import path

from .api import AreaAssessmentView

app_name = "assessment-api"
urlpatterns = [
    path(
        "areas/<str:code>/assessment/",
        AreaAssessmentView.as_view(),
        name="area-assessment",
    ),
]
