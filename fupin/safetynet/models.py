"""Safety-net policies (DOMAIN §3.7): education, health and living-assistance enrolments per member and year, and who qualifies but is not covered."""

from django.db import models  # noqa: F401
