"""DeepL's API (layer 4): POST /v2/translate and GET /v2/languages, with the key in the
Authorization header. Keys of the free plan end in ":fx" and have their own host."""

from ...config import TranslationConfig
from ...federation.http import HttpClient
from .providers import ProviderError, Translated, get_json, post_json, strings

FREE_URL = "https://api-free.deepl.com"
PRO_URL = "https://api.deepl.com"


class DeepL:
    name = "DeepL.com"

    def __init__(self, config: TranslationConfig, http: HttpClient):
        self._config, self._http = config, http
        default = FREE_URL if config.api_key.endswith(":fx") else PRO_URL
        self._base = (config.url or default).rstrip("/")
        self._headers = {"Authorization": f"DeepL-Auth-Key {config.api_key}"}

    async def translate(self, texts: list[str], source: str | None, target: str) -> Translated:
        payload = {"text": texts, "target_lang": _deepl_target(target), "tag_handling": "html"}
        if source:
            payload["source_lang"] = source.split("-")[0].upper()
        answer = await post_json(self._http, self._config.timeout_seconds, f"{self._base}/v2/translate", payload, self._headers)
        results = answer.get("translations") if isinstance(answer, dict) else None
        if not isinstance(results, list) or not all(isinstance(r, dict) for r in results):
            raise ProviderError("The translation service answered with an unusable translation.")
        translated = strings([r.get("text") for r in results], len(texts))
        detected = results[0].get("detected_source_language") if results else None
        return Translated(translated, source or (detected.lower() if isinstance(detected, str) else None))

    async def languages(self) -> dict[str, list[str]]:
        sources = await self._codes("source")
        targets = list(dict.fromkeys(await self._codes("target")))
        return {source: [t for t in targets if t != source] for source in sources}

    async def _codes(self, kind: str) -> list[str]:
        url = f"{self._base}/v2/languages?type={kind}"
        answer = await get_json(self._http, self._config.timeout_seconds, url, self._headers)
        if not isinstance(answer, list):
            raise ProviderError("The translation service answered with an unusable list of languages.")
        codes = [e.get("language") for e in answer if isinstance(e, dict)]
        return list(dict.fromkeys(_mastodon_code(c) for c in codes if isinstance(c, str)))


def _deepl_target(language: str) -> str:
    # DeepL wants a variant for English and Portuguese, and names the Chinese scripts ZH-HANS/ZH-HANT.
    code = language.upper()
    return {"EN": "EN-US", "PT": "PT-BR", "ZH-TW": "ZH-HANT", "ZH-HK": "ZH-HANT", "ZH-CN": "ZH-HANS"}.get(code, code)


def _mastodon_code(code: str) -> str:
    """DeepL's "EN-GB" or "ZH-HANS" as the language code Mastodon clients send ("en", "zh")."""
    return code.split("-")[0].lower()
