from django.urls import path

from . import link_views, views

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
    path("households/<int:pk>/pairings/new/", link_views.pairing_new, name="pairing_new"),
    path(
        "households/<int:pk>/pairings/<int:pairing_pk>/end/",
        link_views.pairing_end,
        name="pairing_end",
    ),
    path(
        "households/<int:pk>/pairings/<int:pairing_pk>/reassign/",
        link_views.pairing_reassign,
        name="pairing_reassign",
    ),
    path("households/<int:pk>/links/new/", link_views.link_new, name="link_new"),
    path("households/<int:pk>/links/<int:link_pk>/end/", link_views.link_end, name="link_end"),
    path(
        "households/<int:pk>/links/<int:link_pk>/reassign/",
        link_views.link_reassign,
        name="link_reassign",
    ),
]
