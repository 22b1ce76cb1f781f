"""Backups: one archive holding everything a platform cannot recreate, and restoring it into an instance.

The archive is a tar holding, in this order:

- ``manifest.json``: the format, app version, time, database kind, the database's schema revision, the
  passphrase's key-derivation parameters and every other member's size and SHA-256;
- ``database.sqlite3`` (SQLite's online-backup API: a consistent copy while the platform keeps writing) or
  ``database.pgdump`` (``pg_dump --format=custom``: one snapshot);
- ``secrets.enc``: the signing-key folder (and the generated ``secret_key``, when there is one), as a tar
  encrypted with AES-256-GCM under a key derived from the passphrase with scrypt;
- ``ledger-head.jws``: the signed ledger head; ``files/uploads/…`` and ``files/consideration/…``: the
  assignment attachments and special-consideration evidence (content-addressed, so never rewritten);
- ``archive.hmac``: HMAC-SHA256 over every byte of the file (these 64 bytes counted as zeros), with a
  second key derived from the passphrase. A changed byte anywhere, header, padding or data, is refused.

Not included: ``instance/certificates/`` (rendered PDFs, made again on demand) and the job queue
``instance/jobs.sqlite3`` (work in flight, retried by its schedule).

Order matters for a consistent copy: the signed head is read before the database (the chain in the copy
then reaches at least the signed head), the keys after it (every key that signed anything in the copy is
there: keys are only ever added or retired to their public half), the files last (a file is written before
the submission naming it commits).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import json
import os
import secrets
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

import sqlalchemy as sa
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from flask import current_app

from app.accreditation import ledger
from app.accreditation.keys import keystore
from app.database import db
from app.i18n import N_
from app.i18n import gettext as _
from app.refusal import Refused

FORMAT = 1
MANIFEST, MAC, SECRETS, HEAD = "manifest.json", "archive.hmac", "secrets.enc", "ledger-head.jws"
FILE_FOLDERS = ("uploads", "consideration")  # under the instance folder
NOT_INCLUDED = ["instance/certificates/ (made again on demand)", "instance/jobs.sqlite3 (the job queue)"]
MIN_PASSPHRASE = 12
SCRYPT = {"n": 2**15, "r": 8, "p": 1}  # 32 MiB, about a tenth of a second: slow to guess, quick to use
_KEY_CHECK = b"imsa backup passphrase check"
_SECRETS_AAD = b"imsa backup secrets v1"
_CHUNK = 1 << 20


class BackupRefused(Refused):
    """A backup cannot be made or restored; ``field`` is ``file``, ``passphrase`` or ``database``."""


@dataclass(frozen=True)
class RestoreReport:
    manifest: dict
    upgraded_from: str | None  # the backup's schema revision when restoring upgraded it
    ledger: ledger.ChainReport
    keys_set_aside: Path | None  # where the key folder that was there before went


# --- the passphrase


@dataclass(frozen=True)
class _Keys:
    encrypt: bytes
    mac: bytes

    @classmethod
    def derive(cls, passphrase: str, salt: bytes, params: dict) -> _Keys:
        kdf = Scrypt(salt=salt, length=64, n=params["n"], r=params["r"], p=params["p"])
        material = kdf.derive(passphrase.encode())
        return cls(material[:32], material[32:])

    def check_value(self) -> str:
        return hmac.new(self.mac, _KEY_CHECK, hashlib.sha256).hexdigest()


def _file_mac(path: Path, key: bytes, hole: int) -> str:
    """HMAC over the whole file, the 64 bytes at ``hole`` (where the HMAC itself is kept) read as zeros."""
    mac = hmac.new(key, digestmod=hashlib.sha256)
    with path.open("rb") as handle:
        position = 0
        while chunk := handle.read(_CHUNK):
            start, end = max(hole - position, 0), min(hole + 64 - position, len(chunk))
            if start < end:
                chunk = chunk[:start] + b"0" * (end - start) + chunk[end:]
            mac.update(chunk)
            position += len(chunk)
    return mac.hexdigest()


# --- what the instance holds


def _instance() -> Path:
    return Path(current_app.instance_path)


def _key_folder() -> Path:
    return keystore().folder


def _secret_key_file() -> Path:
    return _instance() / "secret_key"


def _schema_revision(connection) -> str | None:
    if not sa.inspect(connection).has_table("alembic_version"):
        return None
    return connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()


def known_revisions() -> tuple[set[str], str]:
    """Every schema revision this code knows, and the newest."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(current_app.extensions["migrate"].migrate.get_config())
    return {revision.revision for revision in script.walk_revisions()}, script.get_current_head()


def _app_version() -> str:
    try:
        return metadata.version("imsa-platform")
    except metadata.PackageNotFoundError:
        return "unknown"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


# --- the database


def _sqlite_path() -> Path:
    return Path(db.engine.url.database)


def _sqlite_snapshot(target: Path) -> str | None:
    """A consistent copy of the live database in one step of the online-backup API (in WAL mode the
    platform's writers carry on meanwhile); returns the copy's own schema revision."""
    source = sqlite3.connect(_sqlite_path(), timeout=30)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)  # pages=-1: every page from one read transaction
        found = copy.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
        ).fetchone()
        return copy.execute("SELECT version_num FROM alembic_version").fetchone()[0] if found else None
    finally:
        source.close()
        copy.close()


def pg_binary(name: str) -> str:
    """``pg_dump`` / ``pg_restore``: from ``IMSA_PG_BIN``, else PostgreSQL 15's folder, else the PATH."""
    for folder in (os.environ.get("IMSA_PG_BIN"), "/usr/lib/postgresql/15/bin"):
        if folder and (Path(folder) / name).exists():
            return str(Path(folder) / name)
    found = shutil.which(name)
    if found is None:
        raise BackupRefused(
            _("%(name)s was not found: install the PostgreSQL client or set IMSA_PG_BIN", name=name),
            "database",
        )
    return found


def _pg_environment() -> dict[str, str]:
    """libpq's variables for the app's database (the password never appears on a command line)."""
    url = db.engine.url
    values = {
        "PGHOST": url.host,
        "PGPORT": url.port,
        "PGUSER": url.username,
        "PGPASSWORD": url.password,
        "PGDATABASE": url.database,
    }
    return {**os.environ, **{name: str(value) for name, value in values.items() if value is not None}}


def _run(command: list[str]) -> None:
    done = subprocess.run(command, env=_pg_environment(), capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupRefused(
            _("%(command)s failed: %(error)s", command=Path(command[0]).name, error=done.stderr.strip()),
            "database",
        )


def _pg_snapshot(target: Path) -> str | None:
    with db.engine.connect() as connection:
        before = _schema_revision(connection)
    _run([pg_binary("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", f"--file={target}"])
    with db.engine.connect() as connection:
        if _schema_revision(connection) != before:
            raise BackupRefused(_("the schema was upgraded while the backup ran: run it again"), "database")
    return before


# --- making a backup


def _encrypted_secrets(keys: _Keys) -> bytes:
    bundle = io.BytesIO()
    with tarfile.open(fileobj=bundle, mode="w", format=tarfile.PAX_FORMAT) as tar:
        folder = _key_folder()
        for path in sorted(folder.iterdir()) if folder.exists() else ():
            if path.is_file():
                tar.add(path, arcname=f"keys/{path.name}")  # keeps the time: a key's age is its file's
        if _secret_key_file().exists():
            tar.add(_secret_key_file(), arcname="secret_key")
    nonce = secrets.token_bytes(12)
    return nonce + AESGCM(keys.encrypt).encrypt(nonce, bundle.getvalue(), _SECRETS_AAD)


def _attachments() -> Iterator[tuple[str, Path]]:
    for folder in FILE_FOLDERS:
        root = _instance() / folder
        for path in sorted(root.iterdir()) if root.exists() else ():
            if path.is_file() and not path.name.endswith(".tmp"):
                yield f"files/{folder}/{path.name}", path


def _gather(work: Path, keys: _Keys) -> tuple[list[tuple[str, Path]], str | None]:
    """Every member but the manifest and the MAC, as (name, file), in the order that keeps them consistent."""
    members: list[tuple[str, Path]] = []
    head = ledger.head_path()
    if head.exists():
        shutil.copyfile(head, work / HEAD)
    if db.engine.dialect.name == "sqlite":
        name, revision = "database.sqlite3", _sqlite_snapshot(work / "database.sqlite3")
    else:
        name, revision = "database.pgdump", _pg_snapshot(work / "database.pgdump")
    members.append((name, work / name))
    (work / SECRETS).write_bytes(_encrypted_secrets(keys))
    members.append((SECRETS, work / SECRETS))
    if (work / HEAD).exists():
        members.append((HEAD, work / HEAD))
    members.extend(_attachments())
    return members, revision


def _add(tar: tarfile.TarFile, name: str, data: io.BufferedIOBase, size: int, mtime: int) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = size, mtime, 0o600
    tar.addfile(info, data)
    return info


def create(target: Path, passphrase: str) -> dict:
    """Write a backup of this instance to ``target`` (a new file); returns its manifest."""
    if len(passphrase) < MIN_PASSPHRASE:
        raise BackupRefused(
            _("the passphrase must be at least %(length)s characters long", length=MIN_PASSPHRASE),
            "passphrase",
        )
    if target.exists():
        raise BackupRefused(_("%(target)s already exists: choose a new name", target=target), "file")
    salt = secrets.token_bytes(16)
    keys = _Keys.derive(passphrase, salt, SCRYPT)
    created = datetime.now(UTC).replace(microsecond=0)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".imsa-backup-") as folder:
        members, revision = _gather(Path(folder), keys)
        if revision is None:
            raise BackupRefused(_("the database has no schema revision: run `imsa init` first"), "database")
        manifest = {
            "format": FORMAT,
            "app_version": _app_version(),
            "created_at": created.isoformat(),
            "database": db.engine.dialect.name,
            "schema_revision": revision,
            "kdf": {"name": "scrypt", "salt": base64.b64encode(salt).decode(), **SCRYPT},
            "key_check": keys.check_value(),
            "files": [{"name": n, "size": p.stat().st_size, "sha256": _sha256(p)} for n, p in members],
            "not_included": NOT_INCLUDED,
        }
        partial = Path(folder) / "archive.tar"
        _write_archive(partial, manifest, members, keys, int(created.timestamp()))
        os.chmod(partial, 0o600)
        os.replace(partial, target)
    return manifest


def _write_archive(path: Path, manifest: dict, members, keys: _Keys, mtime: int) -> None:
    encoded = json.dumps(manifest, indent=2, sort_keys=True).encode()
    with tarfile.open(path, "w", format=tarfile.PAX_FORMAT) as tar:
        _add(tar, MANIFEST, io.BytesIO(encoded), len(encoded), mtime)
        for name, source in members:
            with source.open("rb") as data:
                _add(tar, name, data, source.stat().st_size, mtime)
        _add(tar, MAC, io.BytesIO(b"0" * 64), 64, mtime)
    with tarfile.open(path, "r:") as tar:
        hole = tar.getmember(MAC).offset_data
    mac = _file_mac(path, keys.mac, hole)
    with path.open("r+b") as handle:
        handle.seek(hole)
        handle.write(mac.encode())


# --- reading one back, every check before anything is touched


_DAMAGED = N_("the backup is damaged or incomplete (truncated or changed)")


@dataclass
class _Opened:
    path: Path
    tar: tarfile.TarFile
    manifest: dict
    secrets: dict[str, tuple[bytes, int]]  # name in the secrets bundle: (bytes, mtime)

    def open_member(self, name: str):
        return self.tar.extractfile(self.tar.getmember(name))

    def names(self, prefix: str) -> list[str]:
        return [entry["name"] for entry in self.manifest["files"] if entry["name"].startswith(prefix)]


def _read_members(tar: tarfile.TarFile) -> dict[str, tarfile.TarInfo]:
    members = tar.getmembers()
    found = {member.name: member for member in members}
    if (
        len(found) != len(members)
        or not members
        or members[0].name != MANIFEST
        or members[-1].name != MAC
        or members[-1].size != 64
        or not all(member.isfile() for member in members)
    ):
        raise BackupRefused(_(_DAMAGED), "file")
    return found


def _read_manifest(tar: tarfile.TarFile, member: tarfile.TarInfo) -> dict:
    try:
        manifest = json.loads(tar.extractfile(member).read())
    except ValueError as error:
        raise BackupRefused(_(_DAMAGED), "file") from error
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), list):
        raise BackupRefused(_(_DAMAGED), "file")
    if manifest.get("format") != FORMAT:
        raise BackupRefused(
            _(
                "this is not a backup this version can read (format %(format)s)",
                format=manifest.get("format"),
            ),
            "file",
        )
    return manifest


def _check_members(tar: tarfile.TarFile, found: dict[str, tarfile.TarInfo], manifest: dict) -> None:
    listed = {entry["name"]: entry for entry in manifest["files"]}
    if set(listed) | {MANIFEST, MAC} != set(found):
        raise BackupRefused(_(_DAMAGED), "file")
    for name, entry in listed.items():
        digest = hashlib.sha256()
        with tar.extractfile(found[name]) as data:
            while chunk := data.read(_CHUNK):
                digest.update(chunk)
        if found[name].size != entry["size"] or digest.hexdigest() != entry["sha256"]:
            raise BackupRefused(
                _("%(name)s in the backup does not match its SHA-256 in the manifest", name=name), "file"
            )


def _decrypt_secrets(data: bytes, keys: _Keys) -> dict[str, tuple[bytes, int]]:
    try:
        plain = AESGCM(keys.encrypt).decrypt(data[:12], data[12:], _SECRETS_AAD)
    except InvalidTag as error:
        raise BackupRefused(_(_DAMAGED), "file") from error
    found = {}
    with tarfile.open(fileobj=io.BytesIO(plain), mode="r:") as bundle:
        for member in bundle.getmembers():
            folder, _slash, name = member.name.rpartition("/")
            if member.isfile() and folder in ("", "keys") and name and name not in (".", ".."):
                found[member.name] = (bundle.extractfile(member).read(), int(member.mtime))
    return found


def _check_schema(manifest: dict) -> None:
    known, _head = known_revisions()
    if manifest["schema_revision"] not in known:
        raise BackupRefused(
            _(
                "the backup is from a newer schema (revision %(revision)s) than this version of the platform "
                "knows: restore it with the version that made it, or a newer one",
                revision=manifest["schema_revision"],
            ),
            "file",
        )
    if manifest["database"] != db.engine.dialect.name:
        raise BackupRefused(
            _(
                "the backup holds a %(kind)s database; this instance uses %(here)s",
                kind=manifest["database"],
                here=db.engine.dialect.name,
            ),
            "file",
        )


@contextmanager
def opened(path: Path, passphrase: str) -> Iterator[_Opened]:
    """The backup at ``path``, every byte checked against the passphrase and the manifest (or refused)."""
    try:
        tar = tarfile.open(path, "r:")  # noqa: SIM115  (closed by the `with` below, once it opened)
    except (OSError, tarfile.TarError, EOFError) as error:
        raise BackupRefused(
            _("%(path)s is not a readable backup: %(reason)s", path=path, reason=_(_DAMAGED)), "file"
        ) from error
    with tar:
        try:
            found = _read_members(tar)
            manifest = _read_manifest(tar, found[MANIFEST])
            keys = _Keys.derive(passphrase, base64.b64decode(manifest["kdf"]["salt"]), manifest["kdf"])
            if not hmac.compare_digest(keys.check_value(), str(manifest.get("key_check"))):
                raise BackupRefused(
                    _(
                        "the passphrase does not open this backup "
                        "(wrong passphrase, or the backup was changed)"
                    ),
                    "passphrase",
                )
            stored = tar.extractfile(found[MAC]).read().decode("ascii", "replace")
            if not hmac.compare_digest(_file_mac(path, keys.mac, found[MAC].offset_data), stored):
                raise BackupRefused(_(_DAMAGED), "file")
            _check_members(tar, found, manifest)
            secret_files = _decrypt_secrets(tar.extractfile(found[SECRETS]).read(), keys)
        except (tarfile.TarError, EOFError, OSError, ValueError, KeyError, TypeError) as error:
            raise BackupRefused(_(_DAMAGED), "file") from error
        _check_schema(manifest)
        yield _Opened(path, tar, manifest, secret_files)


def check(path: Path, passphrase: str) -> dict:
    """Check a backup without restoring it; returns its manifest."""
    with opened(path, passphrase) as backup:
        return backup.manifest


# --- restoring


def holds_data() -> bool:
    """Whether the instance's database has any rows (its schema alone, as `imsa init` leaves it, has none)."""
    with db.engine.connect() as connection:
        inspector = sa.inspect(connection)
        for table in inspector.get_table_names():
            if table == "alembic_version":
                continue
            if connection.execute(sa.select(sa.literal(1)).select_from(sa.table(table)).limit(1)).first():
                return True
    return False


def restore(path: Path, passphrase: str, force: bool = False) -> RestoreReport:
    """Restore the backup at ``path`` into this instance: database, keys, ledger head and files, then bring
    the schema up to date and verify the ledger. Refused, with nothing changed, when the backup does not
    check out or (without ``force``) the database already holds data."""
    with opened(path, passphrase) as backup:
        if holds_data() and not force:
            raise BackupRefused(
                _(
                    "this instance's database already holds data: restoring would replace it. "
                    "Use --force to replace it"
                ),
                "database",
            )
        _instance().mkdir(parents=True, exist_ok=True)
        _check_writable()
        with tempfile.TemporaryDirectory(dir=_instance(), prefix=".imsa-restore-") as folder:
            _restore_database(backup, Path(folder))
        set_aside = _restore_secrets(backup)
        _restore_files(backup)
    revision = backup.manifest["schema_revision"]
    _known, head = known_revisions()
    if revision != head:
        from flask_migrate import upgrade

        upgrade()
    db.session.remove()
    return RestoreReport(backup.manifest, revision if revision != head else None, ledger.verify(), set_aside)


def _check_writable() -> None:
    """Before anything is touched: every folder a restore writes to takes a write."""
    folder = _key_folder()
    for place in (_instance(), folder.parent, *([folder] if folder.exists() else [])):
        if not os.access(place, os.W_OK):
            raise BackupRefused(
                _("%(place)s cannot be written to: restore where it can, then copy", place=place), "database"
            )


def _extract(backup: _Opened, name: str, target: Path) -> None:
    with backup.open_member(name) as data, target.open("wb") as out:
        shutil.copyfileobj(data, out, _CHUNK)


def _restore_database(backup: _Opened, work: Path) -> None:
    db.session.remove()
    db.engine.dispose()
    if backup.manifest["database"] == "sqlite":
        copy = work / "database.sqlite3"
        _extract(backup, "database.sqlite3", copy)
        source = sqlite3.connect(copy)
        try:
            if source.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupRefused(_(_DAMAGED), "file")
            live = sqlite3.connect(_sqlite_path(), timeout=30)
            try:
                source.backup(live)  # page by page into the live file, its WAL kept consistent
            finally:
                live.close()
        finally:
            source.close()
    else:
        dump = work / "database.pgdump"
        _extract(backup, "database.pgdump", dump)
        _run([pg_binary("pg_restore"), "--list", str(dump)])  # readable, before anything is dropped
        _empty_pg()
        options = ["--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"]
        _run([pg_binary("pg_restore"), *options, f"--dbname={db.engine.url.database}", str(dump)])
    db.engine.dispose()


def _empty_pg() -> None:
    """Drop the tables and functions of the public schema (the triggers go with their tables)."""
    with db.engine.begin() as connection:
        for table in sa.inspect(connection).get_table_names():
            connection.exec_driver_sql(f'DROP TABLE IF EXISTS "{table}" CASCADE')
        functions = connection.exec_driver_sql(
            "SELECT p.oid::regprocedure::text FROM pg_proc p "
            "WHERE p.pronamespace = 'public'::regnamespace AND p.prokind = 'f'"
        ).scalars()
        for function in list(functions):
            connection.exec_driver_sql(f"DROP FUNCTION IF EXISTS {function} CASCADE")


def _restore_secrets(backup: _Opened) -> Path | None:
    """The key folder as it was backed up; a folder already there with keys in it is kept beside it."""
    folder = _key_folder()
    set_aside = None
    if folder.exists() and any(folder.iterdir()):
        set_aside = folder.with_name(f"{folder.name}.before-restore-{datetime.now(UTC):%Y%m%dT%H%M%S}")
        folder.rename(set_aside)
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    for name, (data, mtime) in backup.secrets.items():
        target = folder / name.removeprefix("keys/") if name.startswith("keys/") else _secret_key_file()
        mode = 0o644 if name.endswith(".pub.pem") else 0o600
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.utime(target, (mtime, mtime))
    current_app.extensions.pop("imsa_keystore", None)  # read the restored folder afresh
    return set_aside


def _restore_files(backup: _Opened) -> None:
    head = ledger.head_path()
    if HEAD in backup.names(HEAD):
        _extract(backup, HEAD, head)
    elif head.exists():
        head.unlink()  # a head from before would not match the restored chain
    for name in backup.names("files/"):
        _prefix, folder, filename = name.split("/", 2)
        if folder not in FILE_FOLDERS or "/" in filename or filename in (".", ".."):
            continue  # never written outside the instance's own folders
        target = _instance() / folder / filename
        target.parent.mkdir(parents=True, exist_ok=True)
        _extract(backup, name, target)
