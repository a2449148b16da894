from fupin.accounts.actions import Writes
from fupin.core.clock import as_of


def fupin(request):
    return {"as_of": as_of, "writes": Writes(getattr(request, "user", None))}
