from django.urls import path

from .api import AreaFundsView

app_name = "funds-api"
urlpatterns = [
    path("areas/<str:code>/funds/", AreaFundsView.as_view(), name="area-funds"),
]
