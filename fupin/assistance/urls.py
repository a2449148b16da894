from django.urls import path

from . import views

app_name = "assistance"
urlpatterns = [
    path("households/<int:pk>/plan/", views.household_plan, name="household_plan"),
    path("coverage/", views.coverage, name="coverage"),
    path("plans/checks/", views.plan_checks, name="plan_checks"),
    path("pairings/import/", views.pairing_import, name="pairing_import"),
    path("pairings/import/errors/", views.pairing_import_errors, name="pairing_import_errors"),
    path(
        "pairings/import/template.xlsx",
        views.pairing_import_template,
        name="pairing_import_template",
    ),
]
