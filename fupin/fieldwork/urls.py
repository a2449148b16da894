from django.urls import path

from . import views

app_name = "fieldwork"
urlpatterns = [
    path("visits/new/", views.visit_new, name="visit-new"),
    path("visits/new/households/", views.visit_households, name="visit-households"),
    path("cadres/options/", views.cadre_options, name="cadre-options"),
    path("concerns/new/", views.concern_new, name="concern-new"),
    path("checkin/", views.checkin, name="checkin"),
    path("my/", views.my, name="my"),
    path("concerns/", views.concern_list, name="concerns"),
    path("concerns/<int:pk>/", views.concern_detail, name="concern"),
    path("concerns/raise/<str:code>/", views.concern_public, name="concern-public"),
    path("concerns/reply/<str:token>/", views.concern_reply, name="concern-reply"),
    path("reviews/", views.reviews, name="reviews"),
    path("compliance/", views.compliance, name="compliance"),
]
