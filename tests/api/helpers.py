"""Helpers of the API tests: a logged-in client and JSON reads."""

from __future__ import annotations

from django.test import Client


def client_for(user) -> Client:
    """Return a test client logged in (by session) as ``user``."""
    client = Client()
    client.force_login(user)
    return client


def get_json(client: Client, url: str, expected: int = 200, **params):
    """GET ``url`` with query ``params``, assert the ``expected`` status, return the JSON."""
    response = client.get(url, params)
    assert response.status_code == expected, (response.status_code, response.content[:500])
    return response.json()
