from django.urls import path, re_path

from fupin.areas.scope import public

from . import views

app_name = "mobile"
# The app shell and its two companions hold no record: the households come from the API
# (scope-checked there) and are kept on the phone.
urlpatterns = [
    path("manifest.webmanifest", public(views.manifest), name="manifest"),
    path("sw.js", public(views.service_worker), name="sw"),
    path("m/", public(views.shell), name="shell"),
    re_path(r"^m/(?P<path>.+)$", public(views.shell), name="shell-route"),
]
