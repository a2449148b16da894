from django.urls import path

from .api import AreaCollectiveEconomyView

app_name = "collective-api"
urlpatterns = [
    path(
        "areas/<str:code>/collective-economy/",
        AreaCollectiveEconomyView.as_view(),
        name="area-collective-economy",
    ),
]
