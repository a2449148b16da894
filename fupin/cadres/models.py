"""The cadre roster: posts, work teams, reserve cadres, evaluations, training, leadership-team structure (DOMAIN §3.6)."""

from django.db import models  # noqa: F401
