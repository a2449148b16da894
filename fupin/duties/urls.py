from django.urls import path

from . import views

app_name = "duties"
urlpatterns = [
    path("duties/", views.duty_list, name="list"),
    path("duties/tasks/<int:pk>/", views.task_detail, name="task"),
    path("duties/ranking/", views.ranking, name="ranking"),
    path("duties/ranking/xlsx/", views.ranking_xlsx, name="ranking-xlsx"),
    path("duties/overdue/", views.overdue, name="overdue"),
]
