from django.urls import path

from . import views

app_name = "villages"
urlpatterns = [
    path("villages/", views.village_list, name="list"),
    path("villages/<str:code>/", views.village, name="village"),
    path("villages/<str:code>/step/", views.village_step, name="village-step"),
    path("villages/<str:code>/conditions/", views.village_conditions, name="village-conditions"),
]
