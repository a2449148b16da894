from django.urls import path

from .api import MyInboxView

urlpatterns = [path("me/inbox/", MyInboxView.as_view(), name="api-me-inbox")]
