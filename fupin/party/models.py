"""Party organisations, members, 三会一课 and the political life archive (DOMAIN §3.6)."""

from django.db import models  # noqa: F401
