"""The field app on the phone (docs/field-app.md): its shell page, manifest and service worker.

The shell is the same page for every ``/m/...`` path; the app reads the path and draws the
screen. Everything it shows comes from the API and is kept on the phone (IndexedDB), so the
service worker can serve the cached shell with no network. The worker's script names the
files it keeps and a revision made of their contents: a new release changes the script,
which makes the browser install the new worker and fetch the new files.
"""

from __future__ import annotations

import functools
import hashlib
import json

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from fupin.fieldwork.models import Concern, Visit

SHELL_URL = "/m/"
# The files the shell needs, kept by the service worker at install (paths under STATIC_URL).
SHELL_FILES = (
    "vendor/bootstrap/bootstrap.min.css",
    "vendor/idb/index.js",
    "fupin/m/app.css",
    "fupin/m/app.js",
    "fupin/m/db.js",
    "fupin/m/photo.js",
    "fupin/m/sync.js",
    "fupin/m/icon-192.png",
    "fupin/m/icon-512.png",
)


def _read_static(name: str) -> bytes:
    found = finders.find(name)
    if found:
        with open(found, "rb") as handle:
            return handle.read()
    with staticfiles_storage.open(name) as handle:
        return handle.read()


@functools.cache
def _revisions() -> tuple[tuple[str, str], ...]:
    """Each shell file with a short hash of its contents (read once per process)."""
    return tuple(
        (name, hashlib.sha256(_read_static(name)).hexdigest()[:12]) for name in SHELL_FILES
    )


def _strings() -> dict:
    """The app's interface text, in the request's language (the shell is cached as drawn)."""
    return {
        "kinds": [[value, str(label)] for value, label in Visit.Kind.choices],
        "categories": [[value, str(label)] for value, label in Concern.Category.choices],
        "unsent": _("待上传"),
        "records": _("条记录"),
        "photosPending": _("张照片待上传"),
        "lastSync": _("上次同步"),
        "never": _("尚未同步"),
        "sync": _("立即同步"),
        "syncing": _("正在同步…"),
        "offline": _("离线"),
        "online": _("在线"),
        "households": _("我的帮扶户"),
        "noHouseholds": _("还没有帮扶户。联网打开一次本应用，帮扶户会保存在手机上。"),
        "members": _("家庭成员"),
        "plan": _("帮扶计划"),
        "lastVisits": _("最近走访"),
        "noVisits": _("暂无走访记录"),
        "recordVisit": _("记录走访"),
        "checkIn": _("驻村打卡"),
        "concern": _("反映民情"),
        "queue": _("手机上的记录"),
        "home": _("帮扶户"),
        "household": _("帮扶户"),
        "kind": _("走访方式"),
        "date": _("日期"),
        "content": _("走访内容"),
        "backdateReason": _("补录原因"),
        "backdateHelp": _("日期早于允许补录的天数，须填写补录原因，记录会被标记为补录。"),
        "photos": _("照片（最多3张）"),
        "photo": _("现场照片"),
        "save": _("保存到手机"),
        "saved": _("已保存，联网后自动上传。"),
        "position": _("位置"),
        "locating": _("正在定位…"),
        "noPosition": _("未取得位置，打卡将标记为“无定位”。"),
        "note": _("备注"),
        "text": _("反映的问题"),
        "category": _("类别"),
        "villageOnly": _("（不针对某一户）"),
        "tooManyPhotos": _("最多3张照片。"),
        "required": _("请填写此项。"),
        "future": _("日期不能晚于今天。"),
        "stateQueued": _("待上传"),
        "stateSent": _("已上传"),
        "stateRefused": _("被退回"),
        "kindVisit": _("走访"),
        "kindCheckin": _("打卡"),
        "kindConcern": _("民情"),
        "signIn": _("请联网登录后再同步。"),
        "unknownHousehold": _("手机上没有这户的资料，请联网打开一次。"),
        "flags": {
            "backdated": _("补录"),
            "far": _("距离村部过远"),
            "no_location": _("无定位"),
            "photo_reused": _("照片重复使用"),
        },
    }


@login_required
@require_safe
def shell(request, path: str = ""):
    get_token(request)  # the app reads the CSRF cookie to ask for its device token
    response = render(request, "mobile/shell.html", {"strings": _strings()})
    response["Cache-Control"] = "no-cache"
    return response


@require_safe
def manifest(request):
    data = {
        "name": _("扶贫走访"),
        "short_name": _("扶贫走访"),
        "description": _("帮扶干部走访、打卡、反映民情，离线可用。"),
        "lang": request.LANGUAGE_CODE,
        "start_url": SHELL_URL,
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#b02a37",
        "icons": [
            {
                "src": staticfiles_storage.url(f"fupin/m/icon-{size}.png"),
                "sizes": f"{size}x{size}",
                "type": "image/png",
                "purpose": "any maskable",
            }
            for size in (192, 512)
        ],
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return response


@require_safe
def service_worker(request):
    if settings.DEBUG:
        _revisions.cache_clear()  # a developer's edit reaches the phone at its next start
    static = settings.STATIC_URL
    precache = [{"url": f"{static}{name}", "revision": revision} for name, revision in _revisions()]
    body = render_to_string(
        "mobile/sw.js",
        {
            "workbox": json.dumps(f"{static}vendor/workbox/"),
            "workbox_sw": json.dumps(f"{static}vendor/workbox/workbox-sw.js"),
            "precache": json.dumps(precache),
            "shell": json.dumps(SHELL_URL),
        },
    )
    response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
    # Root scope: the worker serves the app's pages (/m/...) and answers offline.
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache, no-store, max-age=0"
    return response
