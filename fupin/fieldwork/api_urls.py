from django.urls import path

from .api import (
    AreaComplianceCloseView,
    AreaComplianceView,
    CheckInCreateView,
    ConcernCreateView,
    MeView,
    MyHouseholdsView,
    PhotoCreateView,
    VisitCreateView,
)

app_name = "fieldwork-api"
urlpatterns = [
    path("me/", MeView.as_view(), name="me"),
    path("me/households/", MyHouseholdsView.as_view(), name="me-households"),
    path("visits/", VisitCreateView.as_view(), name="visits"),
    path("checkins/", CheckInCreateView.as_view(), name="checkins"),
    path("concerns/", ConcernCreateView.as_view(), name="concerns"),
    path("photos/", PhotoCreateView.as_view(), name="photos"),
    path("areas/<str:code>/compliance/", AreaComplianceView.as_view(), name="area-compliance"),
    path(
        "areas/<str:code>/compliance/closes/",
        AreaComplianceCloseView.as_view(),
        name="area-compliance-closes",
    ),
]
