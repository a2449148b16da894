from django.urls import path

from .api import AreaComplianceView

app_name = "fieldwork-api"
urlpatterns = [
    path("areas/<str:code>/compliance/", AreaComplianceView.as_view(), name="area-compliance"),
]
