"""Request parameters as Mastodon reads them (layer 6): query string, form or JSON body alike,
with Rails-style arrays (`media_ids[]=1&media_ids[]=2`) and booleans ("true", "1", "on")."""

from quart import request

from ...errors import Unprocessable

_TRUE = {"true", "1", "on", "yes", "t"}
_FALSE = {"false", "0", "off", "no", "f", ""}


class Params:
    """Merged parameters of one request; unknown fields are ignored, as Mastodon does."""

    def __init__(self, values: dict):
        self.values = values

    @classmethod
    async def read(cls) -> "Params":
        values: dict = {}
        for key in request.args:
            values[key] = _one_or_list(key, request.args.getlist(key))
        # Mastodon.py sends some GET parameters as a JSON body; Rails reads it there too.
        if request.method in ("POST", "PUT", "PATCH", "DELETE") or request.is_json:
            if request.is_json:
                body = await request.get_json(silent=True)
                if not isinstance(body, dict):
                    raise Unprocessable("the request body must be a JSON object")
                values.update(body)
            else:
                form = await request.form
                for key in form:
                    values[key] = _one_or_list(key, form.getlist(key))
        return cls(values)

    def get(self, name: str, default=None):
        value = self.values.get(name, self.values.get(name + "[]", default))
        return value

    def text(self, name: str, default: str | None = None, max_length: int = 10_000) -> str | None:
        value = self.get(name, default)
        if value is None:
            return None
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            raise Unprocessable(f"{name} must be a string")
        value = str(value)
        if len(value) > max_length:
            raise Unprocessable(f"{name} is too long (at most {max_length} characters)")
        return value

    def flag(self, name: str, default: bool | None = None) -> bool | None:
        value = self.get(name)
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
        value = self.get(name)
        if value is None or value == "":
            return default
        try:
            number = int(str(value).strip())
        except ValueError:
            raise Unprocessable(f"{name} must be a whole number") from None
        if low is not None and number < low:
            number = low
        if high is not None and number > high:
            number = high
        return number

    def strings(self, name: str, max_items: int = 100) -> list[str]:
        value = self.get(name)
        if value is None:
            return []
        items = value if isinstance(value, list) else [value]
        if len(items) > max_items:
            raise Unprocessable(f"{name} has too many items (at most {max_items})")
        return [str(item) for item in items if isinstance(item, (str, int)) and not isinstance(item, bool)]


def _one_or_list(key: str, values: list[str]):
    return values if key.endswith("[]") or len(values) > 1 else values[0]
