"""How the processes log (entry point): plain text lines, or one JSON object per line for log
collectors (`operations.json_logs`), and the request log with credentials taken out of URLs.

Secrets reach no log line: configs hide theirs from repr, database URLs are logged redacted, and
the one place a client puts a credential in a URL (the streaming API's `access_token`, OAuth's
`code`) is masked here before hypercorn's access line is written.
"""

import json
import logging
import re
from datetime import UTC, datetime

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_CREDENTIALS = re.compile(r"(?<![\w-])((?:access_token|code|token|password|client_secret)=)[^&\s\"]+", re.IGNORECASE)


class JsonLines(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


class MaskCredentials(logging.Filter):
    """Masks credential parameters in a record's text (request lines carry query strings)."""

    def filter(self, record: logging.LogRecord) -> bool:
        text = record.getMessage()
        masked = _CREDENTIALS.sub(r"\1[redacted]", text)
        if masked != text:
            record.msg, record.args = masked, ()
        return True


def configure(json_lines: bool = False, level: int = logging.INFO) -> None:
    """The root logger's one handler, on stderr; called once by each command that runs for long."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonLines() if json_lines else logging.Formatter(TEXT_FORMAT))
    handler.addFilter(MaskCredentials())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
