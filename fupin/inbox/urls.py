from django.urls import path

from . import views

app_name = "inbox"
urlpatterns = [
    path("inbox/", views.inbox_page, name="inbox"),
    path("inbox/read/", views.mark_all_read, name="read-all"),
]
