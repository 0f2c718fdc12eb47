"""The operator's command line, `redfed` (layer 7): init, serve, migrate, user, token, export.

User mistakes (a bad config key, a taken username, an unreachable database path) end as one line on
stderr and a non-zero exit, never a traceback.
"""

import argparse
import asyncio
import contextlib
import json
import os
import secrets
import signal
import sys
import tomllib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from . import __version__
from .clock import now_ms
from .config import CONFIG_ENV_VAR, DEFAULT_CONFIG_NAME, Config, config_from_dict, load_config
from .db.connection import Database
from .db.migrate import migrate_database
from .errors import ConfigError, RedfedError
from .instance import Instance
from .server import serve
from .services import accounts, exports, oauth, password_resets, sign_ups

DEFAULT_URL = "http://127.0.0.1:8000"


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return asyncio.run(args.command(args)) or 0
    except RedfedError as e:
        print(f"redfed: {e.message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="redfed", description="A federated social server for creators.")
    parser.add_argument("--version", action="version", version=f"redfed {__version__}")
    parser.add_argument("--config", help=f"config file (default: ${CONFIG_ENV_VAR}, else ./{DEFAULT_CONFIG_NAME})")
    commands = parser.add_subparsers(title="commands", required=True, metavar="COMMAND")

    init = commands.add_parser("init", help="write instance.toml and create the database")
    init.add_argument("--url", required=True, help="public base URL, e.g. https://social.example or http://127.0.0.1:8001")
    init.add_argument("--dir", default=".", help="folder for instance.toml, the database and the secret key")
    init.add_argument("--name", default="redfed", help="the instance's display name")
    init.add_argument("--allow-private-addresses", action="store_true",
                      help="let outgoing requests reach loopback and private networks (for tests and labs)")
    init.set_defaults(command=cmd_init)

    serve = commands.add_parser("serve", help="run the server (creates a config and an admin on first run)")
    serve.add_argument("--access-log", action="store_true", help="log every request to stdout")
    serve.set_defaults(command=cmd_serve)

    worker = commands.add_parser("worker", help="run the delivery and inbox workers (several may run)")
    worker.set_defaults(command=cmd_worker)

    migrate = commands.add_parser("migrate", help="apply pending database migrations")
    migrate.set_defaults(command=cmd_migrate)

    user = commands.add_parser("user", help="manage local users").add_subparsers(required=True, metavar="ACTION")
    create = user.add_parser("create", help="create a user")
    create.add_argument("name")
    create.add_argument("--email", required=True)
    create.add_argument("--password", help="omit to have one generated and printed")
    create.add_argument("--admin", action="store_true")
    create.set_defaults(command=cmd_user_create)
    user.add_parser("list", help="list users").set_defaults(command=cmd_user_list)
    for action, disabled in (("disable", True), ("enable", False)):
        toggle = user.add_parser(action, help=f"{action} a user's login")
        toggle.add_argument("name")
        toggle.set_defaults(command=cmd_user_toggle, disabled=disabled)
    reset = user.add_parser("reset-password", help="print a one-time password reset link (valid for an hour)")
    reset.add_argument("name")
    reset.set_defaults(command=cmd_user_reset_password)
    approve = user.add_parser("approve", help="approve an account awaiting approval")
    approve.add_argument("name")
    approve.set_defaults(command=cmd_user_approve)

    token = commands.add_parser("token", help="manage API access tokens").add_subparsers(required=True, metavar="ACTION")
    token_create = token.add_parser("create", help="print a new access token for a user")
    token_create.add_argument("user")
    token_create.add_argument("--scopes", default="read write follow push", help='space-separated OAuth scopes (default: "%(default)s")')
    token_create.set_defaults(command=cmd_token_create)

    export = commands.add_parser("export", help="write a user's account archive (a Mastodon-compatible zip)")
    export.add_argument("user")
    export.add_argument("--out", required=True, help="the zip file to write")
    export.set_defaults(command=cmd_export)
    return parser


def _config_path(args) -> Path:
    return Path(args.config or os.environ.get(CONFIG_ENV_VAR) or DEFAULT_CONFIG_NAME)


def _load(args) -> Config:
    return load_config(_config_path(args))


@asynccontextmanager
async def _database(config: Config) -> AsyncIterator[Database]:
    await migrate_database(config.database_path)
    async with Database(config.database_path) as db:
        yield db


async def cmd_init(args) -> int:
    config = await init_instance(Path(args.dir), args.url, args.name, args.allow_private_addresses)
    print(f"wrote {config.base_dir / DEFAULT_CONFIG_NAME}")
    print(f"database {config.database_path}")
    print(f"next: redfed --config {config.base_dir / DEFAULT_CONFIG_NAME} user create NAME --email E --admin")
    return 0


async def init_instance(folder: Path, url: str, name: str, allow_private: bool) -> Config:
    """Write folder/instance.toml and a secret key, create the database. Refuses to overwrite."""
    path = folder / DEFAULT_CONFIG_NAME
    if path.exists():
        raise ConfigError(f"{path} already exists; edit it, or choose another --dir")
    if not folder.is_dir():
        raise ConfigError(f"folder {folder} does not exist")
    text = _config_text(url, name, allow_private)
    config_from_dict(tomllib.loads(text), base_dir=folder.resolve())  # validate before writing anything
    path.write_text(text, encoding="utf-8")
    config = load_config(path)
    _write_secret_key(config.secret_key_path)
    async with _database(config) as db:
        await accounts.ensure_instance_actor(db, config)
    return config


def _config_text(url: str, name: str, allow_private: bool) -> str:
    # json.dumps yields a valid TOML basic string for any text.
    return (
        "# redfed instance configuration; every key is described in instance.example.toml.\n\n"
        f"[instance]\nbase_url = {json.dumps(url)}\nname = {json.dumps(name)}\n\n"
        '[database]\npath = "redfed.sqlite3"\n\n'
        f"[federation]\nallow_private_addresses = {'true' if allow_private else 'false'}\n\n"
        '[security]\nsecret_key_file = "secret.key"\n'
    )


def _write_secret_key(path: Path) -> None:
    if path.exists():
        return
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(secrets.token_hex(32) + "\n")


async def cmd_serve(args) -> int:
    path = _config_path(args)
    if not path.exists() and not args.config and not os.environ.get(CONFIG_ENV_VAR):
        await _first_run(path.parent)
    config = load_config(path)
    await serve(config, access_log=args.access_log)
    return 0


async def cmd_worker(args) -> int:
    """The same run_once() code as inside `redfed serve`, in a process of its own, until SIGTERM."""
    config = _load(args)
    instance = await Instance(config).start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signal_number in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signal_number, stop.set)
    work = asyncio.create_task(instance.run_workers())
    print(f"redfed worker running for {config.base_url}", flush=True)
    await stop.wait()
    work.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await work
    await instance.close()
    return 0


async def _first_run(folder: Path) -> None:
    config = await init_instance(folder, DEFAULT_URL, "redfed", allow_private=False)
    host = config.domain.split(":")[0]
    async with _database(config) as db:
        created = await accounts.create_user(db, config, "admin", f"admin@{host}", is_admin=True, allow_reserved=True)
    print(f"First run: wrote {config.base_dir / DEFAULT_CONFIG_NAME} and created the database.")
    print(f"Admin account: admin   password: {created.password}   (shown once; keep it)")
    print(f"Your instance: {config.base_url}/   admin profile: {created.actor.url}")


async def cmd_migrate(args) -> int:
    config = _load(args)
    applied = await migrate_database(config.database_path)
    print(f"applied {len(applied)} migration(s)" if applied else "database is up to date")
    return 0


async def cmd_user_create(args) -> int:
    config = _load(args)
    async with _database(config) as db:
        created = await accounts.create_user(db, config, args.name, args.email, args.password, is_admin=args.admin)
    print(f"created {'admin ' if args.admin else ''}user {created.actor.handle} ({created.actor.url})")
    if created.password:
        print(f"password: {created.password}")
    return 0


async def cmd_user_list(args) -> int:
    config = _load(args)
    async with _database(config) as db:
        users = await accounts.list_users(db)
    for user in users:
        flags = [flag for flag, on in (("admin", user.is_admin), ("disabled", user.disabled_at is not None),
                                       ("pending", user.pending)) if on]
        print(f"{user.username}\t{user.email}\t{','.join(flags) or '-'}")
    return 0


async def cmd_user_toggle(args) -> int:
    config = _load(args)
    async with _database(config) as db:
        user = await accounts.set_user_disabled(db, args.name, args.disabled)
    print(f"{user.username} {'disabled' if user.disabled_at is not None else 'enabled'}")
    return 0


async def cmd_user_reset_password(args) -> int:
    config = _load(args)
    async with _database(config) as db:
        link = await password_resets.create_link(db, config.base_url, args.name, now_ms())
    print(link)
    return 0


async def cmd_user_approve(args) -> int:
    config = _load(args)
    async with _database(config) as db:
        user = await sign_ups.approve_by_name(db, args.name)
    print(f"{user.username} approved")
    return 0


async def cmd_token_create(args) -> int:
    config = _load(args)
    async with _database(config) as db:
        token = await oauth.cli_token(db, args.user, args.scopes, now_ms())
    print(token)
    return 0


async def cmd_export(args) -> int:
    config = _load(args)

    async def progress(percent: int) -> None:
        filled = percent // 10
        print(f"\r[{'#' * filled}{'-' * (10 - filled)}] {percent}%", end="", file=sys.stderr, flush=True)

    async with _database(config) as db:
        size = await exports.export_to_file(db, config, args.user, Path(args.out), progress)
    await progress(100)
    print(file=sys.stderr)
    print(f"wrote {args.out} ({size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
