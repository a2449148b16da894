"""Placeholder: the import pages are being built (upload, status, error workbook, template)."""

from django.http import HttpResponse

from fupin.areas.scope import scope_safe


@scope_safe
def upload(request):
    return HttpResponse(status=501)


@scope_safe
def template(request, kind, fmt):
    return HttpResponse(status=501)


@scope_safe
def status(request, pk):
    return HttpResponse(status=501)


@scope_safe
def errors(request, pk):
    return HttpResponse(status=501)
