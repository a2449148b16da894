from django.urls import path

from . import views

app_name = "assessment"
urlpatterns = [
    path("assessment/", views.assessment, name="assessment"),
    path("monitoring/", views.monitoring, name="monitoring"),
]
