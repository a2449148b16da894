"""Deployment: `check --deploy` on the documented production environment, the development key
refused, the Content-Security-Policy with no inline script, and no ``Server`` header."""

import importlib.util
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import override_settings

from fupin.core.checks import check_secret_key
from fupin.core.serverheader import hide_server_header

ROOT = Path(__file__).resolve().parents[2]
SETTINGS_FILE = ROOT / "fupin" / "settings.py"
# Settings that would rebuild the app registry or the connections; the example cannot change
# them in a way `check --deploy` looks at.
NOT_OVERRIDDEN = {"DATABASES", "INSTALLED_APPS", "LOGGING", "TEMPLATES", "MIDDLEWARE"}


def production_example() -> dict[str, str]:
    """The environment in docs/operations.md, "Production" (its first ```sh block)."""
    text = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    section = text.split("\n## Production\n", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block, "docs/operations.md, Production: no ```sh block"
    env = {}
    for line in block.group(1).splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.removeprefix("export ").partition("=")
            env[name.strip()] = value.strip()
    return env


def settings_under(env: dict[str, str], monkeypatch) -> dict:
    """fupin/settings.py evaluated afresh under ``env`` (and nothing else from the caller)."""
    for name in list(os.environ):
        if name in env or name in {"DEBUG", "SECRET_KEY", "SECRET_KEY_FILE", "CSP_REPORT_ONLY"}:
            monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    spec = importlib.util.spec_from_file_location("fupin_settings_example", SETTINGS_FILE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return {name: getattr(module, name) for name in dir(module) if name.isupper()}


def test_the_production_example_passes_check_deploy(monkeypatch, tmp_path):
    env = production_example()
    assert {"SECURE_HSTS_SECONDS", "SECURE_SSL_REDIRECT", "SECURE_PROXY_SSL_HEADER"} <= set(env)
    # The example names a key file; the test writes a random key in its place.
    key_file = tmp_path / "secret_key"
    key_file.write_text(secrets.token_urlsafe(50))
    env["SECRET_KEY_FILE"] = str(key_file)
    example = settings_under(env, monkeypatch)
    assert example["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")
    changed = {
        name: value
        for name, value in example.items()
        if name not in NOT_OVERRIDDEN and getattr(settings, name, object()) != value
    }
    with override_settings(**changed):
        call_command("check", deploy=True, fail_level="WARNING")


def test_the_defaults_are_not_production(monkeypatch):
    # Without the example's environment check --deploy names what is missing (the demo's http).
    example = settings_under({}, monkeypatch)
    assert example["SECURE_HSTS_SECONDS"] == 0 and not example["SECURE_SSL_REDIRECT"]
    assert example["SECURE_PROXY_SSL_HEADER"] is None
    assert example["SECRET_KEY"] == example["DEV_SECRET_KEY"] or example["SECRET_KEY_FILE"].exists()


def test_the_development_key_is_refused_when_debug_is_off(settings):
    settings.SECRET_KEY = settings.DEV_SECRET_KEY
    settings.DEBUG = False
    assert [e.id for e in check_secret_key(None)] == ["fupin.E002"]
    with pytest.raises(CommandError, match="development key"):
        call_command("serve", "--no-worker")
    settings.DEBUG = True
    assert check_secret_key(None) == []
    settings.DEBUG = False
    settings.SECRET_KEY = secrets.token_urlsafe(50)
    assert check_secret_key(None) == []


def test_the_key_comes_from_the_key_file(monkeypatch, tmp_path):
    key_file = tmp_path / "secret_key"
    key_file.write_text("a-key-from-the-file-" + "x" * 40 + "\n")
    example = settings_under({"SECRET_KEY_FILE": str(key_file)}, monkeypatch)
    assert example["SECRET_KEY"] == "a-key-from-the-file-" + "x" * 40
    example = settings_under(
        {"SECRET_KEY_FILE": str(key_file), "SECRET_KEY": "k" * 50}, monkeypatch
    )
    assert example["SECRET_KEY"] == "k" * 50


@pytest.mark.django_db
def test_pages_carry_a_content_security_policy_without_inline_script(client):
    response = client.get("/accounts/login/")
    policy = dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )
    assert policy["script-src"] == "'self'"
    assert policy["object-src"] == "'none'" and policy["frame-ancestors"] == "'none'"
    assert "unsafe" not in policy["default-src"]


TEMPLATE_DIRS = [ROOT / "fupin" / "templates", *sorted((ROOT / "fupin").glob("*/templates"))]
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*application/(?:ld\+)?json)[^>]*>")
HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.S)


def test_no_template_has_an_inline_script_or_handler():
    found = []
    for folder in TEMPLATE_DIRS:
        for path in sorted(folder.rglob("*.html")):
            text = path.read_text(encoding="utf-8")
            for pattern in (INLINE_SCRIPT, HANDLER):
                for match in pattern.finditer(text):
                    line = text.count("\n", 0, match.start()) + 1
                    found.append(f"{path.relative_to(ROOT)}:{line}: {match.group(0)[:80]}")
            if "javascript:" in text:
                found.append(f"{path.relative_to(ROOT)}: javascript: URL")
    assert not found, "move it into a static file (fupin/static/fupin/fupin.js):\n" + "\n".join(
        found
    )


def test_the_server_header_is_dropped_from_gunicorns_response_head():
    from gunicorn.http import wsgi

    class Request:
        version = (1, 1)

    response = wsgi.Response.__new__(wsgi.Response)
    response.__dict__.update(
        req=Request(), version="gunicorn", status="200 OK", chunked=False, upgrade=False
    )
    response.should_close = lambda: False
    assert hide_server_header() is True
    assert hide_server_header() is True  # twice is harmless
    head = "".join(wsgi.Response.default_headers(response))
    assert "Server:" not in head and "Date:" in head


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_gunicorn_serving_fupin_sends_no_server_header(tmp_path):
    # The real thing, cheaply: gunicorn loads fupin.wsgi; WhiteNoise answers from a static root
    # made here, so no database is needed.
    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "probe.txt").write_text("ok")
    port = _free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "fupin.settings",
        "FUPIN_STATIC_ROOT": str(tmp_path / "static"),
        "FUPIN_VAR": str(tmp_path),
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "fupin.wsgi:application", "--bind",
         f"127.0.0.1:{port}", "--workers", "1"],
        env=env, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/static/probe.txt") as r:
                    headers, body = r.headers, r.read()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.2)
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert body == b"ok"
    assert "Server" not in headers
    assert "script-src 'self'" in headers["Content-Security-Policy"]


def test_the_swagger_ui_loads_its_start_script_from_a_url():
    from django.test import Client

    html = Client().get("/api/docs/").content.decode()
    assert not INLINE_SCRIPT.search(html)
    script = Client().get("/api/docs/?script")
    assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()
