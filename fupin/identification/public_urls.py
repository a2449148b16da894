"""Public notices (公示/公告): no login; every view here is marked ``@public``."""

from django.urls import path

from . import public_views

app_name = "notices"

urlpatterns = [
    path("notices/", public_views.notice_index, name="index"),
    path("notices/<int:pk>/", public_views.notice_page, name="page"),
    path("notices/<int:pk>/notice.pdf", public_views.notice_pdf, name="pdf"),
    path("notices/<int:pk>/notice.xlsx", public_views.notice_xlsx, name="xlsx"),
]
