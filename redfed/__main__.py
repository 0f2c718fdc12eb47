"""The operator's command line, `redfed` (layer 7): init, serve, migrate, user, token, export, import.

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
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from . import __version__, logs
from .clock import now_ms
from .config import (
    CONFIG_ENV_VAR, DEFAULT_CONFIG_NAME, Config, config_from_dict, is_loopback_host, load_config, validate_bucket,
)
from .db import copy as db_copy
from .db.databases import AnyDatabase, database_for, database_url
from .db.migrate import migrate_database
from .db.urls import parse as parse_database_url
from .errors import ConfigError, RedfedError
from .federation.resolve import Resolver
from .instance import Instance
from .objectstore import stores
from .protocol import as2
from .server import serve
from .services.accounts import accounts, oauth, password_resets
from .services.announcements import announcements
from .services.context import Context
from .services.emoji import emojis as custom_emojis
from .services.media import media_copy
from .services.moderation import account_deletion, domain_blocks, sign_ups
from .services.operations import doctor, tokens
from .services.portability import aliases, exports, import_csv, imports, moves
from .urls import Urls

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
                      help="let outgoing requests reach loopback and private networks (for tests and labs; "
                           "always so for a loopback --url)")
    init.set_defaults(command=cmd_init)

    serve = commands.add_parser("serve", help="run the server (creates a config and an admin on first run)")
    serve.add_argument("--access-log", action="store_true", help="log every request to stdout")
    serve.set_defaults(command=cmd_serve)

    worker = commands.add_parser("worker", help="run the delivery and inbox workers (several may run)")
    worker.set_defaults(command=cmd_worker)

    doctor = commands.add_parser("doctor", help="check the config, database, media storage, public URL and clock")
    doctor.set_defaults(command=cmd_doctor)
    migrate = commands.add_parser("migrate", help="apply pending database migrations")
    migrate.set_defaults(command=cmd_migrate)

    database = commands.add_parser("db", help="move the database").add_subparsers(required=True, metavar="ACTION")
    copy = database.add_parser("copy", help="copy this instance's SQLite database into an empty PostgreSQL one")
    copy.add_argument("--to", required=True, metavar="URL", help="postgresql://USER:PASSWORD@HOST:PORT/NAME")
    copy.add_argument("--batch-rows", type=int, default=db_copy.BATCH_ROWS, help=argparse.SUPPRESS)
    copy.set_defaults(command=cmd_db_copy)

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
    delete = user.add_parser("delete", help="delete a user for good, telling the servers that know it (asks first)")
    delete.add_argument("name")
    delete.add_argument("--yes", action="store_true", help="do not ask for the name again")
    delete.set_defaults(command=cmd_user_delete)
    approve = user.add_parser("approve", help="approve an account awaiting approval")
    approve.add_argument("name")
    approve.set_defaults(command=cmd_user_approve)

    token = commands.add_parser("token", help="manage API access tokens").add_subparsers(required=True, metavar="ACTION")
    token_create = token.add_parser("create", help="print a new access token for a user")
    token_create.add_argument("user")
    token_create.add_argument("--scopes", default="read write follow push", help='space-separated OAuth scopes (default: "%(default)s")')
    token_create.set_defaults(command=cmd_token_create)
    token_list = token.add_parser("list", help="list a user's live tokens: id, app, scopes, created, last used")
    token_list.add_argument("user")
    token_list.set_defaults(command=cmd_token_list)
    token_revoke = token.add_parser("revoke", help="revoke a token by the id `token list` shows")
    token_revoke.add_argument("id", type=int)
    token_revoke.set_defaults(command=cmd_token_revoke)

    _domain_commands(commands)

    media = commands.add_parser("media", help="manage stored media files").add_subparsers(required=True, metavar="ACTION")
    copy = media.add_parser("copy", help="copy the local media and archives to the [media] bucket (resumable)")
    copy.add_argument("--to", required=True, choices=["s3"], help="where to copy them: the bucket the [media] settings name")
    copy.set_defaults(command=cmd_media_copy)

    export = commands.add_parser("export", help="write a user's account archive (a Mastodon-compatible zip)")
    export.add_argument("user")
    export.add_argument("--out", required=True, help="the zip file to write")
    export.set_defaults(command=cmd_export)

    imported = commands.add_parser("import", help="import a CSV (following, blocks, mutes, ...) into a user's account")
    imported.add_argument("user")
    imported.add_argument("file")
    imported.add_argument("--type", required=True, choices=import_csv.CSV_KINDS, help="what the CSV lists")
    imported.add_argument("--overwrite", action="store_true", help="remove what the file does not list (default: merge)")
    imported.set_defaults(command=cmd_import)
    archive = commands.add_parser("import-archive", help="import an account archive (redfed's or Mastodon's zip), or an Instagram or TikTok export")
    archive.add_argument("user")
    archive.add_argument("file")
    archive.add_argument("--from", dest="kind", default="archive", choices=import_csv.FILE_KINDS,
                         help="what the zip is: an account archive (default), or Instagram's or TikTok's data export")
    archive.set_defaults(command=cmd_import_archive)
    pull = commands.add_parser("import-posts", help="pull the posts of an account that moved to a user's account from its old server")
    pull.add_argument("user")
    pull.add_argument("old_account", help="the old account, as user@host or its actor URI")
    pull.set_defaults(command=cmd_import_posts)
    _add_move_commands(commands)
    _emoji_commands(commands)
    _announcement_commands(commands)
    return parser


def _announcement_commands(commands) -> None:
    announcement = commands.add_parser("announcement", help="publish announcements to the instance's accounts")
    actions = announcement.add_subparsers(required=True, metavar="ACTION")
    publish = actions.add_parser("publish", help="publish an announcement, now or from a later moment")
    publish.add_argument("text")
    publish.add_argument("--from", dest="shown_from", type=_instant, help="ISO 8601 moment to show it from")
    publish.add_argument("--until", type=_instant, help="ISO 8601 moment to stop showing it")
    publish.set_defaults(command=cmd_announcement_publish)
    remove = actions.add_parser("remove", help="withdraw an announcement")
    remove.add_argument("id", type=int)
    remove.set_defaults(command=cmd_announcement_remove)
    actions.add_parser("list", help="list announcements").set_defaults(command=cmd_announcement_list)


def _instant(text: str) -> int:
    """ISO 8601 → epoch ms; a moment without a zone is UTC."""
    moment = datetime.fromisoformat(text)
    return int((moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp() * 1000)


def _emoji_commands(commands) -> None:
    emoji = commands.add_parser("emoji", help="manage the instance's custom emoji").add_subparsers(
        required=True, metavar="ACTION"
    )
    add = emoji.add_parser("add", help="add a custom emoji from an image file")
    add.add_argument("shortcode", help="the name between colons, e.g. blobcat for :blobcat:")
    add.add_argument("image", type=Path)
    add.add_argument("--by", required=True, metavar="USER", help="the account the image upload belongs to")
    add.add_argument("--category", help="the group apps show it in")
    add.set_defaults(command=cmd_emoji_add)
    remove = emoji.add_parser("remove", help="remove a custom emoji")
    remove.add_argument("shortcode")
    remove.set_defaults(command=cmd_emoji_remove)
    emoji.add_parser("list", help="list the custom emoji").set_defaults(command=cmd_emoji_list)


def _add_move_commands(commands) -> None:
    alias = commands.add_parser("alias", help="manage a user's aliases (alsoKnownAs), needed to move accounts")
    actions = alias.add_subparsers(required=True, metavar="ACTION")
    for action in ("add", "remove"):
        change = actions.add_parser(action, help=f"{action} an alias: user@host or an actor URL")
        change.add_argument("user")
        change.add_argument("handle")
        change.set_defaults(command=cmd_alias, action=action)
    listing = actions.add_parser("list", help="list a user's aliases")
    listing.add_argument("user")
    listing.set_defaults(command=cmd_alias, action="list", handle=None)
    move = commands.add_parser("move", help="move a user to another account, which must list it as an alias")
    move.add_argument("user")
    move.add_argument("target", help="the new account: user@host or an actor URL")
    move.set_defaults(command=cmd_move)


def _domain_commands(commands) -> None:
    domain = commands.add_parser("domain", help="block and unblock remote domains").add_subparsers(
        required=True, metavar="ACTION"
    )
    block = domain.add_parser("block", help="suspend or silence a domain and its subdomains")
    block.add_argument("domain")
    block.add_argument("--severity", choices=domain_blocks.SEVERITIES, default="suspend")
    block.add_argument("--reason", default="", help="the public reason, shown in the instance's list of blocks")
    block.add_argument("--private-reason", default="", help="a note for the admins only")
    block.set_defaults(command=cmd_domain_block)
    unblock = domain.add_parser("unblock", help="lift a domain block (severed follows stay severed)")
    unblock.add_argument("domain")
    unblock.set_defaults(command=cmd_domain_unblock)
    domain.add_parser("list", help="list domain blocks").set_defaults(command=cmd_domain_list)


def _config_path(args) -> Path:
    return Path(args.config or os.environ.get(CONFIG_ENV_VAR) or DEFAULT_CONFIG_NAME)


def _load(args) -> Config:
    return load_config(_config_path(args))


@asynccontextmanager
async def _database(config: Config) -> AsyncIterator[AnyDatabase]:
    url = database_url(config)
    await migrate_database(url)
    async with database_for(url, pool_size=config.database.pool_size) as db:
        yield db


async def cmd_init(args) -> int:
    config = await init_instance(Path(args.dir), args.url, args.name, args.allow_private_addresses)
    print(f"wrote {config.base_dir / DEFAULT_CONFIG_NAME}")
    print(f"database {database_url(config).redacted}")
    print(f"next: redfed --config {config.base_dir / DEFAULT_CONFIG_NAME} user create NAME --email E --admin")
    return 0


async def init_instance(folder: Path, url: str, name: str, allow_private: bool) -> Config:
    """Write folder/instance.toml and a secret key, create the database. Refuses to overwrite."""
    path = folder / DEFAULT_CONFIG_NAME
    if path.exists():
        raise ConfigError(f"{path} already exists; edit it, or choose another --dir")
    if folder.exists() and not folder.is_dir():
        raise ConfigError(f"{folder} is a file, not a folder")
    # Instances on loopback addresses are labs side by side on one machine: they must reach each
    # other, which the refusal of private addresses would forbid without a word.
    allow_private = allow_private or is_loopback_host(urlsplit(url).hostname or "")
    text = _config_text(url, name, allow_private)
    config_from_dict(tomllib.loads(text), base_dir=folder.resolve())  # validate before writing anything
    folder.mkdir(parents=True, exist_ok=True)
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
    # Here, not at the server's start, a database or bucket that cannot be used is one line, not
    # two tracebacks from the server's lifespan.
    await migrate_database(database_url(config))
    await stores.check_stores(config)
    await serve(config, access_log=args.access_log)
    return 0


async def cmd_worker(args) -> int:
    """The same run_once() code as inside `redfed serve`, in a process of its own, until SIGTERM."""
    config = _load(args)
    logs.configure(config.operations.json_logs)
    instance = await Instance(config, role="worker").start()
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


async def cmd_doctor(args) -> int:
    """Each check on a line, what to do under each failed one; exit status 1 when any failed."""
    findings = await doctor.examine(_load(args))
    for finding in findings:
        print(f"{'ok  ' if finding.ok else 'FAIL'}  {finding.name}: {finding.detail}")
        if finding.fix:
            print(f"      fix: {finding.fix}")
    return 0 if all(finding.ok for finding in findings) else 1


async def cmd_migrate(args) -> int:
    config = _load(args)
    applied = await migrate_database(database_url(config))
    print(f"applied {len(applied)} migration(s)" if applied else "database is up to date")
    return 0


async def cmd_db_copy(args) -> int:
    """Stop the instance first: rows written meanwhile would not be copied."""
    config = _load(args)
    source, target = database_url(config), parse_database_url(args.to, config.base_dir)
    if source.dialect != "sqlite" or target.dialect != "postgresql":
        raise ConfigError("db copy copies an instance's SQLite database into PostgreSQL (--to postgresql://…)")
    print(f"copying {source.redacted} into {target.redacted}", file=sys.stderr)
    counts = await db_copy.copy_database(source.path, target, _progress_line(), args.batch_rows)
    print(f"copied {sum(counts.values())} rows in {len(counts)} tables; the counts match.")
    print(f'next: set [database] url = "{target.redacted}" (with its password) in the config, and start redfed')
    return 0


def _progress_line():
    """One line per table on stderr, rewritten as its batches go by."""
    def show(step: str, done: int, total: int) -> None:
        end = "\n" if done >= total else ""
        print(f"\r  {step}: {done}/{total}", end=end, file=sys.stderr, flush=True)
    return show


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


@asynccontextmanager
async def _offline(args) -> AsyncIterator[Context]:
    """Services without a running server: nothing here fetches, so no HTTP client is started. A
    running server picks the change up within a worker round (Instance.run_once)."""
    config = _load(args)
    async with _database(config) as db:
        ctx = Context(db, config, Resolver(db, None, config, None), Urls(config), files=stores.open_stores(config))
        try:
            yield ctx
        finally:
            await ctx.files.close()


async def cmd_domain_block(args) -> int:
    fields = domain_blocks.BlockFields(args.severity, args.reason, args.private_reason)
    async with _offline(args) as ctx:
        try:
            block = await domain_blocks.block_domain(ctx, args.domain, fields)
        except domain_blocks.AlreadyBlocked as conflict:
            raise RedfedError(conflict.message) from None
    print(f"{block.domain} {'suspended' if block.severity == 'suspend' else 'silenced'}")
    return 0


async def cmd_domain_unblock(args) -> int:
    async with _offline(args) as ctx:
        block = await domain_blocks.lift_block(ctx, (await domain_blocks.find_block(ctx, args.domain)).id)
    print(f"{block.domain} unblocked")
    return 0


async def cmd_domain_list(args) -> int:
    async with _offline(args) as ctx:
        blocks = await domain_blocks.list_blocks(ctx)
    for block in blocks:
        print(f"{block.domain}\t{block.severity}\t{block.public_comment or '-'}")
    return 0


async def cmd_emoji_add(args) -> int:
    async with _offline(args) as ctx:
        admin = await accounts.find_local_actor(ctx.db, ctx.config, args.by)
        try:
            with args.image.open("rb") as image:
                emoji = await custom_emojis.add(ctx, admin, args.shortcode, image, args.category)
        except OSError as error:
            raise RedfedError(f"cannot read {args.image}: {error.strerror}") from None
    print(f":{emoji.shortcode}: added")
    return 0


async def cmd_emoji_remove(args) -> int:
    async with _offline(args) as ctx:
        await custom_emojis.remove(ctx, args.shortcode)
    print(f":{args.shortcode}: removed")
    return 0


async def cmd_emoji_list(args) -> int:
    config = _load(args)
    async with _database(config) as db:
        for emoji in await custom_emojis.list_local(db):
            print(f":{emoji.shortcode}:\t{emoji.category or '-'}\t{emoji.image_url}")
    return 0


async def cmd_announcement_publish(args) -> int:
    config = _load(args)
    async with _database(config) as db:
        published = await announcements.publish(
            db, args.text, now_ms(), published_at=args.shown_from, starts_at=args.shown_from, ends_at=args.until
        )
    print(f"announcement {published.id} published")
    return 0


async def cmd_announcement_remove(args) -> int:
    config = _load(args)
    async with _database(config) as db:
        await announcements.withdraw(db, args.id)
    print(f"announcement {args.id} removed")
    return 0


async def cmd_announcement_list(args) -> int:
    config = _load(args)
    async with _database(config) as db:
        for found in await announcements.list_all(db):
            print(f"{found.id}\t{as2.iso_time(found.published_at)}\t{found.text.splitlines()[0][:60]}")
    return 0


async def cmd_token_create(args) -> int:
    config = _load(args)
    async with _database(config) as db:
        token = await oauth.cli_token(db, args.user, args.scopes, now_ms())
    print(token)
    return 0


async def cmd_user_delete(args) -> int:
    """Asks for the name again unless --yes: nothing of the account can be brought back."""
    if not args.yes:
        print(f"This deletes {args.name}, everything it posted and uploaded, and tells the servers that know it.")
        if input(f"Type {args.name} to confirm: ").strip() != args.name:
            print("not deleted", file=sys.stderr)
            return 1
    async with _offline(args) as ctx:
        told = await account_deletion.delete_local_account(ctx, args.name)
    print(f"deleted {args.name}; {told} server(s) will be told by the workers")
    return 0


async def cmd_token_list(args) -> int:
    async with _database(_load(args)) as db:
        listed = await tokens.list_tokens(db, args.user)
    for token in listed:
        used = _date(token.last_used_at) if token.last_used_at else "never used"
        print(f"{token.id}\t{token.app_name or '(app removed)'}\t{token.scopes}\tcreated {_date(token.created_at)}\t{used}")
    return 0


async def cmd_token_revoke(args) -> int:
    async with _database(_load(args)) as db:
        await tokens.revoke_token(db, args.id, now_ms())
    print(f"revoked token {args.id}")
    return 0


def _date(instant_ms: int) -> str:
    return datetime.fromtimestamp(instant_ms / 1000, UTC).strftime("%Y-%m-%d %H:%M UTC")


async def cmd_media_copy(args) -> int:
    config = _load(args)
    validate_bucket(config.media)
    bucket = stores.bucket_stores(config)
    pairs = list(zip(stores.local_stores(config), bucket, (None, media_copy.ZIP, media_copy.ZIP)))

    async def progress(state: media_copy.Copied) -> None:
        print(f"\r{state.done}/{state.total} files: {state.copied} copied ({state.bytes_copied / 1e6:.1f} MB), "
              f"{state.skipped} already there", end="", file=sys.stderr, flush=True)

    try:
        await bucket.media.check()
        done = await media_copy.copy_files(pairs, progress)
    finally:
        await bucket.close()
    print(file=sys.stderr)
    print(f"{done.total} files in the bucket ({done.copied} copied now); set [media] storage = \"s3\" and restart")
    return 0


async def cmd_export(args) -> int:
    config = _load(args)

    async def progress(percent: int) -> None:
        filled = percent // 10
        print(f"\r[{'#' * filled}{'-' * (10 - filled)}] {percent}%", end="", file=sys.stderr, flush=True)

    files = stores.open_stores(config)
    try:
        async with _database(config) as db:
            size = await exports.export_to_file(db, config, files.media, args.user, Path(args.out), progress)
    finally:
        await files.close()
    await progress(100)
    print(file=sys.stderr)
    print(f"wrote {args.out} ({size} bytes)")
    return 0


@asynccontextmanager
async def _running(config: Config) -> AsyncIterator[Instance]:
    """The instance's services, for one-off commands that fetch from other servers and queue
    deliveries (the server's workers, or `redfed worker`, send them). Such a command must not touch
    a live server's half-processed uploads, hence no recovery."""
    instance = await Instance(config).start(recover=False)
    try:
        yield instance
    finally:
        await instance.close()


async def cmd_alias(args) -> int:
    async with _running(_load(args)) as instance:
        actor = await accounts.find_local_actor(instance.db, instance.config, args.user)
        if args.action == "add":
            actor = await aliases.add_alias(instance.ctx, actor, args.handle)
        elif args.action == "remove":
            actor = await aliases.remove_alias(instance.ctx, actor, args.handle)
    for uri in actor.also_known_as:
        print(uri)
    return 0


async def cmd_move(args) -> int:
    async with _running(_load(args)) as instance:
        actor = await accounts.find_local_actor(instance.db, instance.config, args.user)
        moved = await moves.move_out(instance.ctx, actor, args.target)
    print(f"{moved.handle} moved to {moved.moved_to_uri}; the Move is queued for its followers")
    return 0


async def _import(args, kind: str, mode: str) -> int:
    """Imports need the whole instance (WebFinger, queued Follows), not just the database."""
    async with _running(_load(args)) as instance:
        if kind == "outbox":
            job = await imports.pull_posts(instance.ctx, args.user, args.old_account)
        else:
            job = await imports.import_file(instance.ctx, args.user, kind, mode, Path(args.file))
    if job.state == "failed":
        print(f"redfed: import failed: {job.error}", file=sys.stderr)
        return 1
    print(f"imported {job.imported} of {job.total}; {len(job.report)} failed")
    for failed in job.report:
        print(f"row {failed['row']}: {failed['error']} ({failed['value']}): {failed['detail']}")
    return 0


async def cmd_import(args) -> int:
    return await _import(args, args.type, "overwrite" if args.overwrite else "merge")


async def cmd_import_archive(args) -> int:
    return await _import(args, args.kind, "merge")


async def cmd_import_posts(args) -> int:
    return await _import(args, "outbox", "merge")


if __name__ == "__main__":
    sys.exit(main())
