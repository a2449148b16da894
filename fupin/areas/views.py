from django.http import HttpResponse

from .scope import scope_safe


@scope_safe
def home(request):
    return HttpResponse("")


browser = overview = tree_children = counties_geojson = home
