from django.http import HttpResponse

from fupin.areas.scope import scope_safe


@scope_safe
def household_list(request):
    return HttpResponse("")


household_export = household_detail = member_edit = household_list
