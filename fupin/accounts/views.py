"""The signed-in user's own page (password, API tokens) and the API's token endpoint.

These views show only the requesting user's own account; fupin/urls.py and fupin/api_urls.py
mark them for the scope middleware (this app sits below fupin.areas and cannot import it).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import authenticate
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from . import tokens
from .models import ApiToken

MSG_BAD_CREDENTIALS = gettext_lazy("用户名或密码错误。")


@login_required
@require_http_methods(["GET", "POST"])
def account(request):
    """The user's page: who they are, a link to change the password, their API tokens.

    A POST with ``device`` makes a token bound to this session (its key is shown once); a POST
    with ``revoke`` revokes one of the user's own tokens.
    """
    new_key = None
    if request.method == "POST" and request.POST.get("revoke", "").isdigit():
        if tokens.token_revoke(user=request.user, pk=int(request.POST["revoke"])):
            messages.success(request, _("已撤销该设备的令牌。"))
        return redirect("account")
    if request.method == "POST":
        device = request.POST.get("device", "").strip()
        if device:
            if not request.session.session_key:
                request.session.save()
            _token, new_key = tokens.token_create(
                user=request.user, device=device, session_key=request.session.session_key
            )
        else:
            messages.error(request, _("请填写设备名称。"))
    context = {
        "tokens": ApiToken.objects.filter(user=request.user),
        "new_key": new_key,
        "roles": request.user.role_assignments.select_related("area").order_by("role", "area_id"),
    }
    return render(request, "accounts/account.html", context)


def captcha_image(request, key, scale=1):
    """The public forms' captcha image; an unknown or expired key is a plain 404 here.

    (django-simple-captcha answers 410 for it, which no other page of the site does.)
    """
    from captcha.models import CaptchaStore
    from captcha.views import captcha_image as draw

    if not CaptchaStore.objects.filter(hashkey=key).exists():
        raise Http404
    return draw(request, key, scale=scale)


MSG_SAME_PASSWORD = gettext_lazy("新密码不能与原密码相同。")


class NewPasswordForm(PasswordChangeForm):
    """Django's form, refusing to keep the same password (a handed-over one must go)."""

    def clean_new_password1(self):
        new = self.cleaned_data.get("new_password1")
        if new and self.user.check_password(new):
            raise ValidationError(MSG_SAME_PASSWORD, code="password_unchanged")
        return new


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change the password; the first change also lifts ``must_change_password``
    (:class:`fupin.accounts.signin.FirstPasswordMiddleware`)."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("password_change_done")
    form_class = NewPasswordForm

    def form_valid(self, form):
        form.user.must_change_password = False
        return super().form_valid(form)


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


class TokenRequestSerializer(serializers.Serializer):
    # Both left out by a signed-in page (the phone app): the token is then bound to its session.
    username = serializers.CharField(max_length=150, required=False)
    password = serializers.CharField(
        max_length=128, required=False, style={"input_type": "password"}
    )
    device = serializers.CharField(max_length=60, required=False, default="")

    def validate(self, attrs):
        if not self.context.get("session_user") and not (
            attrs.get("username") and attrs.get("password")
        ):
            missing = [f for f in ("username", "password") if not attrs.get(f)]
            raise serializers.ValidationError(
                {f: [self.fields[f].error_messages["required"]] for f in missing}
            )
        return attrs


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()
    device = serializers.CharField()
    expires_at = serializers.DateTimeField()


# A token sent with either method is checked first: an expired or revoked one is a 401.
TOKEN_REFUSED = OpenApiResponse(description=gettext_lazy("令牌无效、已撤销或已过期"))
LOCKED_OUT = OpenApiResponse(description=gettext_lazy("错误次数过多，账号在此地址暂时锁定"))


class TokenView(GenericAPIView):
    """Make an API token for a device from a username and password; revoke the caller's token.

    ``POST`` answers the key once; ``DELETE`` with ``Authorization: Token <key>`` revokes that
    token (the phone app's sign-out). Wrong passwords count towards the sign-in lockout. A
    ``POST`` without them from a signed-in session (with its CSRF header) makes a token bound
    to that session, revoked when it logs out: how the phone app (/m/) gets its token.
    """

    authentication_classes = [tokens.ExpiringTokenAuthentication, SessionAuthentication]
    permission_classes = [AllowAny]
    serializer_class = TokenRequestSerializer

    @extend_schema(
        request=TokenRequestSerializer,
        responses={200: TokenSerializer, 401: TOKEN_REFUSED, 429: LOCKED_OUT},
    )
    def post(self, request):
        session_user = isinstance(request.successful_authenticator, SessionAuthentication)
        data = TokenRequestSerializer(data=request.data, context={"session_user": session_user})
        data.is_valid(raise_exception=True)
        if session_user and not data.validated_data.get("username"):
            token, key = tokens.token_create(
                user=request.user,
                device=data.validated_data["device"] or _("手机"),
                session_key=request.session.session_key or "",
            )
            return Response({"token": key, "device": token.device, "expires_at": token.expires_at})
        # axes needs Django's request: it reads the address and flags a lockout on it.
        user = authenticate(
            request._request,
            username=data.validated_data["username"],
            password=data.validated_data["password"],
        )
        if user is None or not user.is_active:
            return Response(
                {"detail": str(MSG_BAD_CREDENTIALS)}, status=status.HTTP_400_BAD_REQUEST
            )
        token, key = tokens.token_create(
            user=user, device=data.validated_data["device"] or _("手机")
        )
        return Response({"token": key, "device": token.device, "expires_at": token.expires_at})

    @extend_schema(request=None, responses={204: None, 401: TOKEN_REFUSED})
    def delete(self, request):
        if not isinstance(request.auth, ApiToken):
            raise exceptions.NotAuthenticated()
        request.auth.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)
