from django.urls import path

from .api import AreaThirdPartyView

app_name = "counties-api"
urlpatterns = [
    path(
        "areas/<str:code>/third-party/",
        AreaThirdPartyView.as_view(),
        name="area-third-party",
    ),
]
