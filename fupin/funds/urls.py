from django.urls import path

from . import import_views, views

app_name = "funds"
urlpatterns = [
    path("funds/", views.fund_list, name="fund_list"),
    path("funds/<int:pk>/", views.fund_detail, name="fund_detail"),
    path("funds/summary/", views.summary, name="summary"),
    path("funds/import/", import_views.upload, name="import"),
    path("funds/import/template/<str:kind>.xlsx", import_views.template, name="import_template"),
    path("funds/import/errors/", import_views.errors, name="import_errors"),
    path("funds/export/<str:kind>.xlsx", import_views.export, name="export"),
    path("projects/", views.project_list, name="project_list"),
    path("projects/<int:pk>/", views.project_detail, name="project_detail"),
]
