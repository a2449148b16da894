from django.urls import path

from . import views

app_name = "warmap"
urlpatterns = [
    path("warmap/", views.warmap, name="warmap"),
]
