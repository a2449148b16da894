"""Who reads: the type of the ``user`` every selector is given, as django-stubs types
``request.user`` (a signed-in user or the anonymous one; the scope answers for both)."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser

Viewer = AbstractBaseUser | AnonymousUser
