"""The language of a text written without a declared one (layer 4), by lingua.

lingua handles short texts and CJK well. Its models load on the first detection in a process
(about 0.2 s and 50 MB in the low-accuracy mode, 3 s and 300 MB in the high one) and stay loaded;
a detection then takes well under a millisecond. It runs in a thread so that the first one never
stalls the event loop. Detection only fills a missing language: it never replaces the author's.
"""

import asyncio
import re
import threading

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

from ...config import Config

# The languages told apart: the fediverse's most written, and the pages' languages. Fewer
# candidates mean fewer confusions (Malay is left out: it reads as Indonesian, which we serve).
CANDIDATES = (
    Language.ENGLISH, Language.CHINESE, Language.INDONESIAN, Language.JAPANESE, Language.KOREAN,
    Language.SPANISH, Language.PORTUGUESE, Language.ARABIC, Language.FRENCH, Language.GERMAN,
    Language.ITALIAN, Language.RUSSIAN, Language.VIETNAMESE, Language.THAI, Language.TURKISH,
    Language.DUTCH, Language.POLISH, Language.UKRAINIAN, Language.PERSIAN, Language.HINDI,
)
# Below this margin between the two likeliest languages, the text is left undetected.
MINIMUM_DISTANCE = 0.1
# Links, mentions, hashtags and :emoji: say nothing of the language around them.
_NOT_WORDS = re.compile(r"https?://\S+|[@#][\w.@-]+|:[\w+-]+:")

_detectors: dict[str, LanguageDetector] = {}
_building = threading.Lock()


async def language_of(config: Config, *texts: str) -> str | None:
    """An ISO 639-1 code for the texts together, or None when detection is off or unsure."""
    if not config.languages.detect:
        return None
    words = _NOT_WORDS.sub(" ", " ".join(texts)).strip()
    if not any(ch.isalpha() for ch in words):
        return None
    return await asyncio.to_thread(detect, words, config.languages.detection_accuracy)


def detect(text: str, accuracy: str = "low") -> str | None:
    found = _detector(accuracy).detect_language_of(text)
    return found.iso_code_639_1.name.lower() if found is not None else None


def _detector(accuracy: str) -> LanguageDetector:
    # Built once per process and accuracy; the lock keeps two first requests from building two.
    with _building:
        if accuracy not in _detectors:
            builder = LanguageDetectorBuilder.from_languages(*CANDIDATES).with_minimum_relative_distance(MINIMUM_DISTANCE)
            _detectors[accuracy] = (builder.with_low_accuracy_mode() if accuracy == "low" else builder).build()
        return _detectors[accuracy]
