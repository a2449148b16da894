from django.urls import path

from . import views

app_name = "leaders"
urlpatterns = [
    path("leaders/", views.leader_list, name="index"),
    path("leaders/export/", views.leader_export, name="export"),
    path("leaders/new/", views.leader_new, name="new"),
    path("leaders/<int:pk>/", views.leader_detail, name="leader"),
    path("leaders/<int:pk>/links/new/", views.link_new, name="link-new"),
    path("leaders/links/<int:pk>/end/", views.link_end, name="link-end"),
    path("leaders/links/<int:pk>/income/", views.income_new, name="income-new"),
    path("households/<int:pk>/leaders/", views.household_leaders, name="household"),
]
