"""Helpers for sign-up tests: set an instance's registration mode and rules the way the admin's
settings form does, and count rows."""

from redfed.services.moderation import instance_settings, sign_ups

from .instance import LiveInstance


def set_mode(instance: LiveInstance, mode: str, rules: tuple[str, ...] = (), message: str = "", name: str = "") -> None:
    form = instance_settings.SettingsForm(
        name=name or instance.config.instance.name, description="Photos and shops", about="", registration_mode=mode,
        sign_up_message=message, rules=[(None, text, "") for text in rules],
    )
    instance.run(instance_settings.update(instance.runtime.db, form, _now(instance)))


def make_invite(instance: LiveInstance, max_uses: int | None = 1, expires_in_s: int | None = 3600) -> str:
    now = _now(instance)
    expires = now + expires_in_s * 1000 if expires_in_s else None
    return instance.run(sign_ups.create_invite(instance.runtime.db, None, max_uses, expires, now)).code


def count(instance: LiveInstance, table: str, where: str = "TRUE") -> int:
    async def query():
        async with instance.runtime.db.reader.execute(f"SELECT count(*) FROM {table} WHERE {where}") as cursor:
            return (await cursor.fetchone())[0]

    return instance.run(query())


def _now(instance: LiveInstance) -> int:
    return int(instance.clock() * 1000)
