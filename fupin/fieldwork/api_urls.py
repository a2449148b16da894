from django.urls import path

from .api import AreaComplianceCloseView, AreaComplianceView

app_name = "fieldwork-api"
urlpatterns = [
    path("areas/<str:code>/compliance/", AreaComplianceView.as_view(), name="area-compliance"),
    path(
        "areas/<str:code>/compliance/closes/",
        AreaComplianceCloseView.as_view(),
        name="area-compliance-closes",
    ),
]
