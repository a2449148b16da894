from django.urls import path

from . import import_views, views

app_name = "registry"
urlpatterns = [
    path("households/", views.household_list, name="household_list"),
    path("households/export/", views.household_export, name="household_export"),
    path("households/<int:pk>/", views.household_detail, name="household_detail"),
    path("members/<int:pk>/edit/", views.member_edit, name="member_edit"),
    path("imports/", import_views.upload, name="import_upload"),
    path("imports/template/<str:kind>.<str:fmt>", import_views.template, name="import_template"),
    path("imports/<int:pk>/", import_views.status, name="import_status"),
    path("imports/<int:pk>/errors.xlsx", import_views.errors, name="import_errors"),
]
