"""JSON errors on every ``/api/`` path, and the error responses every API operation documents.

DRF answers its own views' errors as ``{"detail": ...}`` (a 400 of bad parameters names each
parameter with its reasons instead). What DRF never sees still reaches Django's error
handlers: a URL under ``/api/`` that matches no route, a path value a route's converter
refuses (``/api/households/-1/``), an exception no view caught. The handlers here answer
those in the same JSON under ``/api/`` and leave every other page to Django's HTML pages
(``fupin.urls`` installs them).

:func:`add_error_responses` is the drf-spectacular postprocessing hook that writes the same
bodies into the schema, so a client (and the Schemathesis run in ``tests/api``) can rely on
every status the API answers being listed with its body.
"""

from __future__ import annotations

from django.http import JsonResponse
from django.utils.translation import gettext_lazy as _
from django.views import defaults
from rest_framework import exceptions

API_PREFIX = "/api/"

#: The body of every error but a 400 of bad parameters.
ERROR_SCHEMA = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
#: The body of a 400: each bad parameter (or field) with its reasons, or one ``detail`` when
#: the request as a whole cannot be read.
VALIDATION_ERROR_SCHEMA = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}


def _is_api(request) -> bool:
    return request.path_info.startswith(API_PREFIX)


def _json(error: exceptions.APIException) -> JsonResponse:
    return JsonResponse(
        {"detail": str(error.detail)},
        status=error.status_code,
        json_dumps_params={"ensure_ascii": False},
    )


def bad_request(request, exception=None):
    if _is_api(request):
        return _json(exceptions.ParseError())
    return defaults.bad_request(request, exception)


def permission_denied(request, exception=None):
    if _is_api(request):
        return _json(exceptions.PermissionDenied())
    return defaults.permission_denied(request, exception)


def page_not_found(request, exception=None):
    if _is_api(request):
        return _json(exceptions.NotFound())
    return defaults.page_not_found(request, exception)


def server_error(request):
    if _is_api(request):
        return _json(exceptions.APIException())
    return defaults.server_error(request)


# The statuses every operation may answer besides its own, with their descriptions. 401 and
# 403 only where a caller must sign in; 400 only where the request carries something to check.
_DESCRIPTIONS = {
    "400": _("查询参数无效：各参数名对应原因"),
    "401": _("未登录，或令牌无效、已过期"),
    "403": _("未登录或无权访问"),
    "404": _("不存在或不在本人权限范围内（两者相同）"),
}


def _error_response(status: str) -> dict:
    name = "ValidationError" if status == "400" else "Error"
    return {
        "description": str(_DESCRIPTIONS[status]),
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}},
    }


def add_error_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook: the error responses of every operation."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("Error", ERROR_SCHEMA)
    schemas.setdefault("ValidationError", VALIDATION_ERROR_SCHEMA)
    for path, item in result.get("paths", {}).items():
        if not path.startswith(API_PREFIX):
            continue
        for method, operation in item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            parameters = operation.get("parameters", [])
            statuses = ["404"]  # any path may name nothing (and every unknown one is a 404)
            if any(p.get("in") == "query" for p in parameters) or "requestBody" in operation:
                statuses.append("400")
            security = operation.get("security", [])
            if security and {} not in security:
                statuses += ["401", "403"]
            for status in statuses:
                responses.setdefault(status, _error_response(status))
            for status, response in responses.items():
                # A view that names an error status (e.g. a lockout's 429) answers it in JSON too.
                if status.startswith("4") and "content" not in response:
                    response["content"] = _error_response("404")["content"]
    return result
