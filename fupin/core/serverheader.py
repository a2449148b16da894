"""No ``Server`` header: gunicorn has no setting for it, so its response head is filtered.

gunicorn writes ``Server: gunicorn`` in ``Response.default_headers`` before the application's
own headers, so neither a middleware nor a WSGI wrapper can remove it. :mod:`fupin.wsgi` calls
:func:`hide_server_header` when it is loaded by gunicorn (``fupin serve`` or an operator's own
gunicorn command line); under any other server it does nothing.
"""

import sys


def hide_server_header() -> bool:
    """Drop the ``Server`` line from gunicorn's responses; True when gunicorn is patched."""
    if "gunicorn" not in sys.modules:
        return False
    from gunicorn.http import wsgi

    original = wsgi.Response.default_headers
    if getattr(original, "fupin_no_server", False):
        return True

    def default_headers(self):
        return [line for line in original(self) if not line.lower().startswith("server:")]

    default_headers.fupin_no_server = True  # type: ignore[attr-defined]
    wsgi.Response.default_headers = default_headers  # type: ignore[method-assign]
    return True
