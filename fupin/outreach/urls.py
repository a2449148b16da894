from django.urls import path

from . import views

app_name = "outreach"
# Each ledger's list under its own name too, for the menu.
urlpatterns = [
    *(
        path(f"outreach/{kind}/", views.ledger_list, {"kind": kind}, name=kind)
        for kind in ("lectures", "trips", "visits", "subsidies", "documents")
    ),
    path("outreach/<str:kind>/", views.ledger_list, name="list"),
    path("outreach/<str:kind>/new/", views.record_new, name="new"),
    path("outreach/<str:kind>/<int:pk>/", views.record_page, name="record"),
    path("outreach/<str:kind>/import/", views.ledger_import, name="import"),
    path("outreach/<str:kind>/import/errors/", views.import_errors, name="import-errors"),
    path("outreach/<str:kind>/import/template.xlsx", views.import_template, name="template"),
    path("outreach/<str:kind>/export/", views.ledger_export, name="export"),
]
