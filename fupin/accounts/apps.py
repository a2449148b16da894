from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "fupin.accounts"
    label = "accounts"
    verbose_name = _("用户与角色")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in, user_logged_out

        from .signin import IdleSessionMiddleware
        from .tokens import revoke_session_tokens

        user_logged_in.connect(IdleSessionMiddleware.mark_login, dispatch_uid="fupin-session-seen")
        user_logged_out.connect(revoke_session_tokens, dispatch_uid="fupin-revoke-session-tokens")
