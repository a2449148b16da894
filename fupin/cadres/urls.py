from django.urls import path

from . import views

app_name = "cadres"
urlpatterns = [
    path("cadres/", views.roster, name="roster"),
    path("cadres/export/", views.roster_export, name="roster-export"),
    path("cadres/<int:pk>/", views.cadre_detail, name="cadre"),
    path("cadres/<int:pk>/recall/", views.cadre_recall, name="recall"),
    path("cadres/teams/", views.team_list, name="teams"),
    path("cadres/teams/<int:pk>/", views.team_detail, name="team"),
    path("cadres/evaluations/", views.evaluation_list, name="evaluations"),
    path("cadres/structure/", views.structure, name="structure"),
]
