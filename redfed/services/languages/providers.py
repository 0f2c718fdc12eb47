"""What a translation provider is, and the HTTP helpers they share (layer 4).

A provider turns a batch of HTML fragments into one language, in one request, through the
instance's outbound client (so the address policy, deadline and body cap apply). Adding a
provider is one module with a class like `libretranslate.LibreTranslate`, and a line in
`translation.PROVIDERS`.
"""

import asyncio
import json
from dataclasses import dataclass
from typing import Protocol

from ...errors import FetchError, ServiceUnavailable
from ...federation.http import HttpClient, HttpResponse


class ProviderError(ServiceUnavailable):
    """The provider failed, was slow or answered something unusable: nothing is kept."""

    default_message = "The translation service is unavailable; try again later."


@dataclass(frozen=True)
class Translated:
    texts: list[str]
    source_language: str | None  # as the provider detected it, when it says


class Provider(Protocol):
    name: str

    async def translate(self, texts: list[str], source: str | None, target: str) -> Translated: ...

    async def languages(self) -> dict[str, list[str]]:
        """Source language -> the target languages it can be translated into."""
        ...


async def post_json(http: HttpClient, seconds: float, url: str, payload: dict, headers: dict[str, str]) -> object:
    body = json.dumps(payload).encode()
    headers = {"Content-Type": "application/json", "Accept": "application/json", **headers}
    return _json_of(await _sent(http.request("POST", url, headers=headers, body=body), seconds))


async def get_json(http: HttpClient, seconds: float, url: str, headers: dict[str, str]) -> object:
    headers = {"Accept": "application/json", **headers}
    return _json_of(await _sent(http.request("GET", url, headers=headers), seconds))


async def _sent(request, seconds: float) -> HttpResponse:
    # The provider's own deadline, usually shorter than federation's: a reader is waiting.
    try:
        async with asyncio.timeout(seconds):
            return await request
    except (FetchError, TimeoutError) as error:
        raise ProviderError() from error


def _json_of(response: HttpResponse) -> object:
    if not 200 <= response.status < 300:
        raise ProviderError(f"The translation service answered {response.status}; try again later.")
    try:
        return json.loads(response.body)
    except ValueError:
        raise ProviderError("The translation service answered something that is not JSON.") from None


def strings(value: object, count: int) -> list[str]:
    """`value` if it is a list of `count` strings; a ProviderError otherwise (never half a translation)."""
    if not isinstance(value, list) or len(value) != count or not all(isinstance(v, str) for v in value):
        raise ProviderError("The translation service answered with an unusable translation.")
    return value
