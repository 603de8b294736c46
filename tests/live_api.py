"""Partner keys and an HTTP client for a live server: what the API tests share."""

from __future__ import annotations

import requests

from partners.models import PartnerKey


def make_key(**fields) -> str:
    """A fresh partner key, as an admin would create it; returns the secret (shown once)."""
    fields.setdefault("name", "test key")
    fields.setdefault("partner", "Partner Newsroom")
    _, secret = PartnerKey.objects.create_key(**fields)
    return secret


class LiveApi:
    """requests against the live server, with the partner's key (or none)."""

    def __init__(self, base_url: str, key: str | None):
        self.base_url = base_url
        self.session = requests.Session()
        if key:
            self.session.headers["Authorization"] = f"Api-Key {key}"

    def url(self, path: str) -> str:
        return path if path.startswith("http") else f"{self.base_url}{path}"

    def get(self, path: str, **kwargs) -> requests.Response:
        kwargs.setdefault("timeout", 30)
        kwargs.setdefault("allow_redirects", False)
        return self.session.get(self.url(path), **kwargs)

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        kwargs.setdefault("timeout", 30)
        return self.session.request(method, self.url(path), **kwargs)

    def all_pages(self, path: str, **params) -> list[dict]:
        """Every item of a cursor-paginated list, following ``next``."""
        items, url = [], self.url(path)
        response = self.get(url, params=params)
        while True:
            assert response.status_code == 200, response.text
            body = response.json()
            items.extend(body["results"])
            if not body["next"]:
                return items
            response = self.get(body["next"])
