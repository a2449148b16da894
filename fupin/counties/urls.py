from django.urls import path

from . import views

app_name = "counties"
urlpatterns = [
    path("counties/", views.county_list, name="list"),
    path("counties/rounds/new/", views.round_new, name="round-new"),
    path("counties/rounds/<int:pk>/", views.round_page, name="round"),
    path("counties/rounds/<int:pk>/answer/<int:sample>/", views.round_answer, name="answer"),
    path("counties/rounds/<int:pk>/complete/", views.round_complete, name="complete"),
    path("counties/rounds/<int:pk>/import/", views.round_import, name="import"),
    path("counties/rounds/<int:pk>/export/", views.round_export, name="export"),
    path("counties/import-errors/", views.import_errors, name="import-errors"),
    path("counties/<str:code>/", views.county, name="county"),
    path("counties/<str:code>/step/", views.county_step, name="county-step"),
]
