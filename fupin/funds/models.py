"""Where the money goes (DOMAIN §3.7): funds and their transfers, projects, allocations, beneficiaries under the three benefit models, dividends."""

from django.db import models  # noqa: F401
