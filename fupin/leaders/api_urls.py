from django.urls import path

from .api import AreaLeadersView

app_name = "leaders-api"
urlpatterns = [
    path("areas/<str:code>/leaders/", AreaLeadersView.as_view(), name="area-leaders"),
]
