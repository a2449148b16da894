from django.urls import path

from .api import AreaWarmapView

app_name = "warmap-api"
urlpatterns = [
    path("areas/<str:code>/warmap/", AreaWarmapView.as_view(), name="area-warmap"),
]
