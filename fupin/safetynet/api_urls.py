from django.urls import path

from .api import AreaSafetyNetView

app_name = "safetynet-api"
urlpatterns = [
    path("areas/<str:code>/safety-net/", AreaSafetyNetView.as_view(), name="area-safety-net"),
]
