from django.urls import path

from .api import MeetingComplianceView

app_name = "party-api"
urlpatterns = [
    path(
        "areas/<str:code>/meeting-compliance/",
        MeetingComplianceView.as_view(),
        name="meeting-compliance",
    ),
]
