"""Request parameters as Mastodon reads them (layer 6): query string, form or JSON body alike,
with Rails-style arrays (`media_ids[]=1&media_ids[]=2`), nested keys (`source[language]=en`)
and booleans ("true", "1", "on").

Every route reads its parameters through the typed accessors here (`text`, `flag`, `integer`,
`record`, `records`, `strings`, `instant`, `nested`, `objects`), which is where each route
declares what it accepts. A value of the wrong shape is a 422 naming the parameter; the whole
request was already checked by `inputs` (encoding, nesting, surrogates) in `Params.read`."""

from datetime import datetime, timezone

from quart import request

from ...errors import Unprocessable
from .. import inputs

_TRUE = {"true", "1", "on", "yes", "t"}
_FALSE = {"false", "0", "off", "no", "f", ""}
_BODY_METHODS = ("POST", "PUT", "PATCH", "DELETE")
_URL_ENCODED = "application/x-www-form-urlencoded"
EARLIEST_YEAR, LATEST_YEAR = 1970, 2999  # a moment outside these is no one's schedule or expiry


class Params:
    """Merged parameters of one request; unknown fields are ignored, as Mastodon does."""

    def __init__(self, values: dict):
        self.values = values

    @classmethod
    def query(cls) -> "Params":
        """The query string alone, for what a GET reads before (or without) its body."""
        values = _flatten(inputs.url_encoded(request.query_string))
        inputs.check_values(values)
        return cls(values)

    @classmethod
    async def read(cls) -> "Params":
        values = cls.query().values
        # Mastodon.py sends some GET parameters as a JSON body; Rails reads it there too.
        if request.is_json:
            values.update(inputs.json_object(await request.get_data()))
        elif request.method in _BODY_METHODS and request.mimetype == _URL_ENCODED:
            values.update(_flatten(inputs.url_encoded(await request.get_data())))
        elif request.method in _BODY_METHODS:
            form = await request.form
            values.update(_flatten({key: form.getlist(key) for key in form}))
        inputs.check_values(values)
        return cls(values)

    def has(self, name: str) -> bool:
        return name in self.values or name + "[]" in self.values

    def get(self, name: str, default=None):
        """The raw value (a string, a list, or JSON's types): only for a presence check or a
        service that validates shapes itself; use a typed accessor otherwise."""
        return self.values.get(name, self.values.get(name + "[]", default))

    def _single(self, name: str, default=None):
        value = self.get(name, default)
        if isinstance(value, list):
            raise Unprocessable(f"{name} must be given once")
        if isinstance(value, dict):
            raise Unprocessable(f"{name} must be a single value, not an object")
        return value

    def text(self, name: str, default: str | None = None, max_length: int = 10_000) -> str | None:
        value = self._single(name, default)
        if value is None:
            return None
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            raise Unprocessable(f"{name} must be a string")
        value = str(value)
        if len(value) > max_length:
            raise Unprocessable(f"{name} is too long (at most {max_length} characters)")
        return value

    def flag(self, name: str, default: bool | None = None) -> bool | None:
        value = self._single(name)
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise Unprocessable(f"{name} must be true or false")

    def integer(self, name: str, default: int | None = None, *, low: int | None = None, high: int | None = None) -> int | None:
        """A whole number within 64 bits, clamped to [low, high] as Mastodon clamps `limit`."""
        value = self._single(name)
        if value is None or value == "":
            return default
        text = str(value).strip() if not isinstance(value, bool) else ""
        digits = text[1:] if text.startswith("-") else text
        if not (digits.isascii() and digits.isdigit()):
            raise Unprocessable(f"{name} must be a whole number")
        if len(digits) > 19 or not -inputs.MAX_ID <= int(text) <= inputs.MAX_ID:
            raise Unprocessable(f"{name} is out of range")
        number = int(text)
        if low is not None and number < low:
            number = low
        if high is not None and number > high:
            number = high
        return number

    def record(self, name: str) -> int | None:
        """The id of a record the request names (`in_reply_to_id`): 404 when it cannot exist."""
        return inputs.optional_record_id(self._single(name))

    def records(self, name: str, max_items: int = 100) -> list[int]:
        return [inputs.record_id(item) for item in self.strings(name, max_items)]

    def strings(self, name: str, max_items: int = 100) -> list[str]:
        value = self.get(name)
        if value is None:
            return []
        items = value if isinstance(value, list) else [value]
        if len(items) > max_items:
            raise Unprocessable(f"{name} has too many items (at most {max_items})")
        if any(not isinstance(item, (str, int)) or isinstance(item, bool) for item in items):
            raise Unprocessable(f"{name} must be a list of strings")
        return [str(item) for item in items]

    def instant(self, name: str) -> int | None:
        """An ISO 8601 date and time (fractions finer than microseconds are dropped; no zone
        means UTC) as epoch milliseconds, between EARLIEST_YEAR and LATEST_YEAR."""
        text = self.text(name, max_length=64)
        if not text:
            return None
        problem = f"Validation failed: {name} must be an ISO 8601 date and time between {EARLIEST_YEAR} and {LATEST_YEAR}"
        try:
            moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00").replace("z", "+00:00"))
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=timezone.utc)
            moment = moment.astimezone(timezone.utc)
        except (ValueError, OverflowError):
            raise Unprocessable(problem) from None
        if not EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
            raise Unprocessable(problem)
        return int(moment.timestamp() * 1000)

    def nested(self, name: str) -> "Params":
        """`{"source": {"language": "en"}}` from JSON, or `source[language]=en` from a form."""
        value = self.values.get(name)
        if value is not None:
            if not isinstance(value, dict):
                raise Unprocessable(f"{name} must be an object")
            return Params(value)
        prefix, inner = name + "[", {}
        for key, item in self.values.items():
            if key.startswith(prefix) and "]" in key:
                part, _, rest = key[len(prefix):].partition("]")
                inner[part + rest] = item
        return Params(inner)

    def objects(self, name: str, max_items: int) -> list["Params"] | None:
        """A list of objects (Rails' `*_attributes`), None when absent: a JSON list, a JSON
        object keyed by index, or form keys `name[0][part]=…` or `name[][part]=…`."""
        value = self.values.get(name)
        if value is None:
            value = _indexed(self.nested(name).values)
            if not value:
                return None
        if isinstance(value, dict):
            value = [value[key] for key in sorted(value, key=_index_order)]
        if not isinstance(value, list) or any(not isinstance(item, dict) for item in value):
            raise Unprocessable(f"{name} must be a list of objects")
        if len(value) > max_items:
            raise Unprocessable(f"{name} has too many items (at most {max_items})")
        return [Params(item) for item in value]


def _flatten(found: dict[str, list]) -> dict:
    """One value per key, or a list where the key ends in [] or was given more than once (a
    typed accessor then refuses the list where one value is expected)."""
    return {key: values if key.endswith("[]") or len(values) > 1 else values[0] for key, values in found.items()}


def _indexed(inner: dict) -> dict[str, dict]:
    """{"0[name]": "a", "0[value]": "b"} → {"0": {"name": "a", "value": "b"}}; Rails' `[][name]`
    keys, given once per item, are numbered in the order sent."""
    groups: dict[str, dict] = {}
    for key, item in inner.items():
        if not key.endswith("]") or "[" not in key:
            raise Unprocessable(f"unexpected parameter {key[:40]!r}: expected index[field]")
        index, _, part = key[:-1].partition("[")
        spread = enumerate(item if isinstance(item, list) else [item]) if index == "" else [(index, item)]
        for position, one in spread:
            groups.setdefault(str(position), {})[part] = one
    return groups


def _index_order(key: str) -> tuple:
    return (not key.isdigit(), len(key), key)
