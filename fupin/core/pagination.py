"""The API's pagination: page numbers and page sizes with checked, published bounds.

Its own module because DRF reads ``DEFAULT_PAGINATION_CLASS`` while the API views are being
imported (fupin.settings names this class there).
"""

from __future__ import annotations

import re

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination

MSG_BAD_PAGE = _("页码应为不小于 1 的整数")
MSG_BAD_PAGE_SIZE = _("每页条数应为 1 至 %(max)s 之间的整数")

# The largest primary key a database column holds (a signed 64-bit integer): a larger id in a
# path is a 404, not the database driver's overflow.
ID_MAX = 2**63 - 1


INTEGER = re.compile(r"-?[0-9]{1,19}")


def as_int(value: str) -> int | None:
    """``value`` as an integer written in ASCII digits (as the schema's ``integer``), or None.

    At most 19 digits: longer numbers are out of every bound here, and would only make
    ``int()`` work (or refuse) on thousands of digits.
    """
    value = value.strip()
    return int(value) if INTEGER.fullmatch(value) else None


class ApiPagination(PageNumberPagination):
    """Page-number pagination with a caller-chosen page size (default 50, at most 500).

    The bounds are checked, not clamped: ``page`` below 1 or ``page_size`` outside 1 … 500 is
    a 400 naming the parameter (the schema publishes the same minimum and maximum); a page
    after the last is DRF's 404 with a JSON ``detail``.
    """

    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_size(self, request):
        value = request.query_params.get(self.page_size_query_param)
        if value is None or value == "":
            return self.page_size
        size = as_int(value)
        if size is None or not 1 <= size <= self.max_page_size:
            raise ValidationError(
                {
                    self.page_size_query_param: [
                        gettext(MSG_BAD_PAGE_SIZE) % {"max": self.max_page_size}
                    ]
                }
            )
        return size

    def get_page_number(self, request, paginator):
        value = request.query_params.get(self.page_query_param)
        if value is None or value == "":
            return 1
        number = as_int(value)
        if number is None or number < 1:
            raise ValidationError({self.page_query_param: [gettext(MSG_BAD_PAGE)]})
        return number

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.page_query_param,
                "required": False,
                "in": "query",
                "description": str(_("页码，从 1 开始；超过末页时为 404")),
                "schema": {"type": "integer", "minimum": 1, "maximum": ID_MAX},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": str(_("每页条数（1–500，默认 50）")),
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
            },
        ]
