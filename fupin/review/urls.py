from django.urls import path

from . import views

app_name = "review"
urlpatterns = [
    path("review/", views.rounds, name="rounds"),
    path("review/<int:pk>/", views.round_detail, name="round"),
    path("review/<int:pk>/close/", views.round_close, name="close"),
    path("review/<int:pk>/publish/", views.round_publish, name="publish"),
    path("review/<int:pk>/found/", views.found, name="found"),
    path("review/published/<int:pk>/<str:fmt>/", views.publication_file, name="publication_file"),
    path("review/items/", views.items, name="items"),
    path("review/items/<int:pk>/", views.item, name="item"),
]
