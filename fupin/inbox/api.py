"""``GET /api/me/inbox/``: the signed-in user's inbox, the same selector as the page."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_dataclasses.serializers import DataclassSerializer

from fupin.areas.scope import scope_safe_class

from .selectors import Inbox, Item, inbox


class InboxItemSerializer(DataclassSerializer):
    class Meta:
        dataclass = Item
        fields = ("kind", "kind_label", "title", "body", "url", "due", "overdue")


class InboxSerializer(DataclassSerializer):
    results = InboxItemSerializer(many=True)

    class Meta:
        dataclass = Inbox


@scope_safe_class
class MyInboxView(APIView):
    """The user's own inbox: every live item is read through the user's scope."""

    @extend_schema(
        summary=_("我的待办：等我办理的环节、异议、诉求、本周未走访户、应开的三会一课和未读消息"),
        responses={200: InboxSerializer},
    )
    def get(self, request):
        return Response(InboxSerializer(inbox(request.user)).data)
