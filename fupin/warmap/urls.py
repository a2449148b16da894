from django.urls import path

from . import views

app_name = "warmap"
urlpatterns = [
    path("warmap/", views.warmap, name="warmap"),
    path("warmap/ledgers/<str:kind>/", views.ledger, name="ledger"),
]
