from captcha import views as captcha_views
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import JavaScriptCatalog, set_language

from fupin.accounts import views as account_views
from fupin.areas.scope import public

admin.site.site_header = _("精准扶贫信息系统")
admin.site.site_title = "fupin"

# JSON errors under /api/ (a route no view matched, an uncaught exception), HTML elsewhere.
handler400 = "fupin.core.api_errors.bad_request"
handler403 = "fupin.core.api_errors.permission_denied"
handler404 = "fupin.core.api_errors.page_not_found"
handler500 = "fupin.core.api_errors.server_error"

urlpatterns = [
    path("accounts/login/", public(auth_views.LoginView.as_view()), name="login"),
    path("accounts/logout/", public(auth_views.LogoutView.as_view()), name="logout"),
    # The user's own account: no area record is shown, so nothing to scope.
    path("accounts/me/", public(account_views.account), name="account"),
    path(
        "accounts/password/",
        public(account_views.PasswordChangeView.as_view()),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        public(account_views.PasswordChangeDoneView.as_view()),
        name="password_change_done",
    ),
    # The public forms' captcha images (django-simple-captcha).
    re_path(
        r"^captcha/image/(?P<key>\w+)/$",
        public(account_views.captcha_image),
        {"scale": 1},
        name="captcha-image",
    ),
    re_path(r"^captcha/refresh/$", public(captcha_views.captcha_refresh), name="captcha-refresh"),
    path("i18n/setlang/", public(set_language), name="set_language"),
    path("jsi18n/", public(JavaScriptCatalog.as_view()), name="javascript-catalog"),
    path("admin/", admin.site.urls),
    path("", include("fupin.warmap.area_urls")),
    path("", include("fupin.registry.urls")),
    path("", include("fupin.identification.urls")),
    path("", include("fupin.identification.public_urls")),
    path("", include("fupin.assessment.urls")),
    path("", include("fupin.assistance.urls")),
    path("", include("fupin.assistance.card_urls")),
    path("", include("fupin.fieldwork.urls")),
    path("", include("fupin.cadres.urls")),
    path("", include("fupin.party.urls")),
    path("", include("fupin.duties.urls")),
    path("", include("fupin.command.urls")),
    path("", include("fupin.funds.urls")),
    path("", include("fupin.collective.urls")),
    path("", include("fupin.villages.urls")),
    path("", include("fupin.counties.urls")),
    path("", include("fupin.outreach.urls")),
    path("", include("fupin.safetynet.urls")),
    path("", include("fupin.leaders.urls")),
    path("", include("fupin.warmap.urls")),
    path("", include("fupin.reports.urls")),
    path("", include("fupin.mobile.urls")),
    path("", include("fupin.inbox.urls")),
    path("", include("fupin.quality.urls")),
    path("", include("fupin.quality.quality_urls")),
    path("", include("fupin.review.urls")),
    path("api/", include("fupin.api_urls")),
]
