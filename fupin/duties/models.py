"""清单制 duty lists: responsible subjects, duties, yearly tasks, progress, scores and rankings (DOMAIN §3.6)."""

from django.db import models  # noqa: F401
