from django.utils.functional import SimpleLazyObject

from fupin.accounts.actions import Writes
from fupin.accounts.menu import menu_for
from fupin.core.building import building_state
from fupin.core.clock import as_of


def fupin(request):
    user = getattr(request, "user", None)
    return {
        "as_of": as_of,
        "writes": Writes(user),
        # The navigation, from the one table of entries and who can use them.
        "menu": SimpleLazyObject(lambda: menu_for(user)),
        # The navigation's inbox count: read only when a page draws it (fupin.inbox.selectors).
        "inbox_unread": SimpleLazyObject(lambda: _unread(user)),
        # Parts of the data still being built (fupin.core.building): every page says so.
        "building": SimpleLazyObject(building_state),
    }


def _unread(user) -> int:
    from fupin.notify.services import inbox_count

    return inbox_count(user)
