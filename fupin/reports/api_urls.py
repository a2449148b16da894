from django.urls import path

from .api import AreaReportView, PublishedReportView

app_name = "reports-api"
urlpatterns = [
    path("areas/<str:code>/report/", AreaReportView.as_view(), name="area-report"),
    path("reports/<int:pk>/", PublishedReportView.as_view(), name="report"),
]
