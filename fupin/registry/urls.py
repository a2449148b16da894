from django.urls import path

from . import import_views, views

app_name = "registry"
urlpatterns = [
    path("households/", views.household_list, name="household_list"),
    path("households/export/", views.household_export, name="household_export"),
    path("households/<int:pk>/", views.household_detail, name="household_detail"),
    path("members/<int:pk>/edit/", views.member_edit, name="member_edit"),
    path("households/<int:pk>/edit/", views.household_edit, name="household_edit"),
    path("households/<int:pk>/income/", views.income_edit, name="income_edit"),
    path("households/<int:pk>/members/new/", views.member_join, name="member_join"),
    path("members/<int:pk>/leave/", views.member_leave, name="member_leave"),
    path("households/<int:pk>/split/", views.household_split, name="household_split"),
    path("imports/", import_views.upload, name="import_upload"),
    path("imports/template/<str:kind>.<str:fmt>", import_views.template, name="import_template"),
    path("imports/<int:pk>/", import_views.status, name="import_status"),
    path("imports/<int:pk>/errors.xlsx", import_views.errors, name="import_errors"),
]
