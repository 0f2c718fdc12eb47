"""A LibreTranslate-compatible server on loopback, speaking its real protocol, for the translation
tests: POST /translate ({"q", "source", "target", "format", "api_key"}) and GET /languages. It
speaks DeepL's API too, on the same phrase book: POST /v2/translate and GET /v2/languages, with
`Authorization: DeepL-Auth-Key <key>`.

It translates from a small phrase book, so that tests read as real translations, and marks
anything else as "[target] text". `mode` makes it misbehave the ways a provider does: "down"
answers 503, "slow" answers after the client's deadline, "garbage" answers HTML, "short" returns
fewer texts than it was sent, "hostile" adds a script to each text. Every request is recorded, so a test can assert none was made.
"""

import asyncio
import json

from aiohttp import web

from .loopback import LoopbackServer

PHRASES = {
    ("id", "zh"): {"Selamat pagi semua": "大家早上好", "Salam kenal": "很高兴认识你", "Ya": "是", "Tidak": "不"},
    ("id", "en"): {"Selamat pagi semua": "Good morning everyone"},
    ("en", "zh"): {"Good morning everyone": "大家早上好"},
}
LANGUAGES = [
    {"code": "en", "name": "English", "targets": ["en", "id", "zh"]},
    {"code": "id", "name": "Indonesian", "targets": ["en", "id", "zh"]},
    {"code": "zh", "name": "Chinese", "targets": ["en", "id", "zh"]},
]


class LibreTranslateServer(LoopbackServer):
    name = "libretranslate"

    def __init__(self, api_key: str = ""):
        self.api_key = api_key
        self.mode = "ok"
        self.slow_seconds = 5.0
        self.received: list[dict] = []
        super().__init__()

    def add_routes(self, router: web.UrlDispatcher) -> None:
        router.add_post("/translate", self._translate)
        router.add_get("/languages", self._languages)
        router.add_post("/v2/translate", self._deepl_translate)
        router.add_get("/v2/languages", self._deepl_languages)

    def translations(self) -> list[dict]:
        """The bodies of the /translate requests received so far (both protocols)."""
        return [r for r in self.received if "q" in r or "text" in r]

    async def _deepl_translate(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.received.append({**body, "authorization": request.headers.get("Authorization")})
        if request.headers.get("Authorization") != f"DeepL-Auth-Key {self.api_key}":
            return web.json_response({"message": "Wrong key"}, status=403)
        if self.mode == "down":
            return web.json_response({"message": "Too many requests"}, status=429)
        source = body.get("source_lang", "ID").lower()
        target = body["target_lang"].split("-")[0].lower()
        results = [{"detected_source_language": source.upper(), "text": _translate(text, source, target)}
                   for text in body["text"]]
        return web.Response(text=json.dumps({"translations": results}, ensure_ascii=False), content_type="application/json")

    async def _deepl_languages(self, request: web.Request) -> web.Response:
        if request.query.get("type") == "target":
            return web.json_response([{"language": "EN-GB", "name": "English (British)"},
                                      {"language": "EN-US", "name": "English (American)"},
                                      {"language": "ID", "name": "Indonesian"}, {"language": "ZH-HANS", "name": "Chinese"}])
        return web.json_response([{"language": "EN", "name": "English"}, {"language": "ID", "name": "Indonesian"},
                                  {"language": "ZH", "name": "Chinese"}])

    async def _languages(self, request: web.Request) -> web.Response:
        self.received.append({"path": "/languages"})
        if self.mode == "down":
            return web.json_response({"error": "Service unavailable"}, status=503)
        return web.json_response(LANGUAGES)

    async def _translate(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.received.append(body)
        if self.api_key and body.get("api_key") != self.api_key:
            return web.json_response({"error": "Invalid API key"}, status=403)
        if self.mode == "down":
            return web.json_response({"error": "Service unavailable"}, status=503)
        if self.mode == "slow":
            await asyncio.sleep(self.slow_seconds)
        if self.mode == "garbage":
            return web.Response(text="<html>oops</html>", content_type="text/html")
        texts = body["q"] if isinstance(body["q"], list) else [body["q"]]
        source = body["source"] if body["source"] != "auto" else "id"
        translated = [_translate(text, source, body["target"]) for text in texts]
        if self.mode == "short":
            translated = translated[:1]
        if self.mode == "hostile":
            translated = [f'{t}<script>alert(1)</script><img src=x onerror="alert(1)">' for t in translated]
        answer = {"translatedText": translated if isinstance(body["q"], list) else translated[0]}
        if body["source"] == "auto":
            answer["detectedLanguage"] = [{"confidence": 90, "language": source} for _ in texts]
        return web.Response(text=json.dumps(answer, ensure_ascii=False), content_type="application/json")


def _translate(text: str, source: str, target: str) -> str:
    if not text:
        return ""
    phrases = PHRASES.get((source, target), {})
    for phrase, translated in phrases.items():
        text = text.replace(phrase, translated)
    return text if phrases else f"[{target}] {text}"
