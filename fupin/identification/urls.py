"""Case and round pages (logged-in, scoped). Public notice pages are in public_urls.py."""

from django.urls import path

from . import views

app_name = "identification"
urlpatterns = [
    path("cases/", views.case_list, name="case_list"),
    path("cases/new/", views.case_new, name="case_new"),
    path(
        "cases/exits-from-assessment/",
        views.exit_cases_from_assessment,
        name="exits_from_assessment",
    ),
    path("cases/new/household/", views.case_new_for_household, name="case_new_household"),
    path("cases/<int:pk>/", views.case_detail, name="case_detail"),
    path("cases/<int:pk>/act/", views.case_act, name="case_act"),
    path("cases/objections/<int:pk>/answer/", views.objection_answer, name="objection_answer"),
    path("cases/notices/new/", views.notice_new, name="notice_new"),
    path("rounds/", views.round_list, name="round_list"),
    path("rounds/<int:pk>/", views.round_detail, name="round_detail"),
    path("rounds/<int:pk>/close/", views.round_close, name="round_close"),
]
