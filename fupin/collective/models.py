"""Village collective economy (DOMAIN §3.7): income per village and year, 清零递增 status and the households sharing it."""

from django.db import models  # noqa: F401
