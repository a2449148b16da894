"""The application ``fupin serve`` loads once in gunicorn's master (``--preload``).

Every page's module (the URL configuration and each app's views, forms and selectors) is
imported here, before the workers fork: the workers share the imported code instead of each
importing it on its first request, which on a fresh clone (no bytecode yet) took each of the
three workers several seconds of the machine's two cores. No database connection is opened
at import; any one that were would be closed before the fork.
"""

from django.db import connections
from django.urls import get_resolver

from fupin.wsgi import application

get_resolver().url_patterns  # noqa: B018  (imports every view)
connections.close_all()

__all__ = ["application"]
