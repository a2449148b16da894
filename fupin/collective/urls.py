from django.urls import path

from . import views

app_name = "collective"
urlpatterns = [
    path("collective/", views.board, name="board"),
    path("collective/villages/", views.village_list, name="villages"),
    path("collective/shares/", views.shares, name="shares"),
    path("collective/villages/<str:code>/", views.village, name="village"),
    path("collective/villages/<str:code>/edit/", views.village_edit, name="village-edit"),
    path("collective/import/", views.income_import, name="import"),
    path("collective/import/errors/", views.import_errors, name="import-errors"),
    path(
        "collective/import/template/<str:kind>.xlsx",
        views.import_template,
        name="import-template",
    ),
    path("collective/export/", views.income_export, name="export"),
]
