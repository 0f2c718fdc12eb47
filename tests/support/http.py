"""A small synchronous HTTP client for tests (urllib, no redirects followed unless asked)."""

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import Message


@dataclass
class Reply:
    status: int
    headers: Message
    body: bytes

    def json(self):
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirect)

AP = {"Accept": "application/activity+json"}


def request(method: str, url: str, *, headers: dict | None = None, body: bytes | None = None, timeout: float = 10) -> Reply:
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with _opener.open(req, timeout=timeout) as response:
            return Reply(response.status, response.headers, response.read())
    except urllib.error.HTTPError as error:
        return Reply(error.code, error.headers, error.read())


def get(url: str, headers: dict | None = None, timeout: float = 10) -> Reply:
    return request("GET", url, headers=headers, timeout=timeout)
