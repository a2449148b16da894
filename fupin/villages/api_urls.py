from django.urls import path

from .api import AreaPoorVillagesView

app_name = "villages-api"
urlpatterns = [
    path(
        "areas/<str:code>/poor-villages/",
        AreaPoorVillagesView.as_view(),
        name="area-poor-villages",
    ),
]
