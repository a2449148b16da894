from django.urls import path

from .quality_api import AreaDataQualityView

app_name = "dataquality-api"
urlpatterns = [
    path(
        "areas/<str:code>/data-quality/",
        AreaDataQualityView.as_view(),
        name="area-data-quality",
    ),
]
