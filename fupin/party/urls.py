from django.urls import path

from . import views

app_name = "party"
urlpatterns = [
    path("party/", views.organizations, name="organizations"),
    path("party/organizations/<int:pk>/", views.organization_detail, name="organization"),
    path("party/organizations/<int:pk>/meetings/new/", views.meeting_new, name="meeting-new"),
    path("party/meetings/<int:pk>/", views.meeting_detail, name="meeting"),
    path(
        "party/meetings/<int:pk>/attachment/", views.meeting_attachment, name="meeting-attachment"
    ),
    path("party/members/<int:pk>/", views.member_archive, name="member"),
    path("party/members/<int:pk>/archive.pdf", views.member_archive_pdf, name="member-pdf"),
    path("party/members/<int:pk>/entries/", views.member_entry_add, name="member-entry"),
    path("party/members/<int:pk>/transfer/", views.member_transfer, name="member-transfer"),
    path("party/compliance/", views.compliance, name="compliance"),
    path("party/compliance/export/", views.compliance_export, name="compliance-export"),
]
