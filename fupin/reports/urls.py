from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("reports/", views.archive, name="archive"),
    path("reports/new/", views.draft, name="new"),
    path("reports/<int:pk>/", views.detail, name="detail"),
    path("reports/<int:pk>/report.xlsx", views.report_xlsx, name="xlsx"),
    path("reports/<int:pk>/report.pdf", views.report_pdf, name="pdf"),
]
