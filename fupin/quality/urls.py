from django.urls import path

from . import comparison_views

app_name = "quality"
urlpatterns = [
    path("quality/lists/", comparison_views.lists, name="lists"),
    path("quality/lists/errors/", comparison_views.list_errors, name="list_errors"),
    path("quality/lists/<int:pk>/", comparison_views.list_detail, name="list"),
    path("quality/lists/<int:pk>/unmatched/", comparison_views.list_unmatched, name="unmatched"),
    path("quality/flags/", comparison_views.flags, name="flags"),
    path("quality/flags/<int:pk>/", comparison_views.flag, name="flag"),
    path("quality/flags/<int:pk>/confirm/", comparison_views.flag_confirm, name="flag_confirm"),
    path("quality/flags/<int:pk>/dismiss/", comparison_views.flag_dismiss, name="flag_dismiss"),
    path("quality/flags/<int:pk>/evidence/", comparison_views.flag_evidence, name="evidence"),
]
