"""Party-member entrepreneurship leaders (致富带头人, DOMAIN §3.6–3.7) and the households they drive."""

from django.db import models  # noqa: F401
