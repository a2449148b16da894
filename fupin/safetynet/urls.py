from django.urls import path

from . import views

app_name = "safetynet"
urlpatterns = [
    path("safety-net/", views.overview, name="overview"),
    path("safety-net/enrolments/", views.enrolment_list, name="enrolments"),
    path("households/<int:pk>/safety-net/", views.household, name="household"),
]
