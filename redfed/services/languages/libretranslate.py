"""LibreTranslate's HTTP API (layer 4): POST /translate and GET /languages, as a self-hosted
LibreTranslate server (or any server speaking its protocol) answers them."""

from ...config import TranslationConfig
from ...federation.http import HttpClient
from .providers import ProviderError, Translated, get_json, post_json, strings


# LibreTranslate's codes where they differ from the ones readers and posts carry.
_CODES = {"zh-tw": "zt", "zh-hk": "zt", "zh-hant": "zt", "zh-cn": "zh", "zh-hans": "zh", "pt-br": "pt", "pt-pt": "pt"}


class LibreTranslate:
    name = "LibreTranslate"

    def __init__(self, config: TranslationConfig, http: HttpClient):
        self._config, self._http = config, http
        self._base = config.url.rstrip("/")

    async def translate(self, texts: list[str], source: str | None, target: str) -> Translated:
        payload = {"q": texts, "source": _code(source) if source else "auto", "target": _code(target), "format": "html"}
        if self._config.api_key:
            payload["api_key"] = self._config.api_key
        answer = await post_json(self._http, self._config.timeout_seconds, f"{self._base}/translate", payload, {})
        if not isinstance(answer, dict):
            raise ProviderError("The translation service answered with an unusable translation.")
        return Translated(strings(answer.get("translatedText"), len(texts)), source or _detected(answer))

    async def languages(self) -> dict[str, list[str]]:
        answer = await get_json(self._http, self._config.timeout_seconds, f"{self._base}/languages", {})
        if not isinstance(answer, list):
            raise ProviderError("The translation service answered with an unusable list of languages.")
        found = {}
        for entry in answer:
            if isinstance(entry, dict) and isinstance(entry.get("code"), str):
                targets = entry.get("targets")
                found[entry["code"]] = [t for t in targets if isinstance(t, str)] if isinstance(targets, list) else []
        return found


def _code(language: str) -> str:
    return _CODES.get(language.lower(), language.lower())


def _detected(answer: dict) -> str | None:
    # With a list of texts, detectedLanguage is a list too: the first text is the post's content.
    detected = answer.get("detectedLanguage")
    if isinstance(detected, list):
        detected = detected[0] if detected else None
    language = detected.get("language") if isinstance(detected, dict) else None
    return language if isinstance(language, str) and language else None
