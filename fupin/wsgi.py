import os

from django.core.wsgi import get_wsgi_application

from fupin.core.serverheader import hide_server_header

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fupin.settings")
application = get_wsgi_application()
hide_server_header()
