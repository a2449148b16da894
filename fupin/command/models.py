"""The 井-shaped command structure: leading group, headquarters, two verticals, two horizontals (DOMAIN §3.8)."""

from django.db import models  # noqa: F401
