"""The issuer's signing keys (ES256, P-256), kept as files, never in the database or the repository.

The folder (``IMSA_SIGNING_KEY_DIR``, default ``instance/keys``) holds ``<thumbprint>.pem`` for the
active private key, ``<thumbprint>.pub.pem`` for every retired one, and ``active`` naming the key that
signs. Rotation retires the active key: its private half is deleted, its public half stays published in
the DID document and JWKS, so credentials it signed still verify.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote, urlsplit

from flask import current_app
from joserfc.jwk import ECKey, KeySet


class SigningKeyMissing(RuntimeError):
    """The key folder is missing, empty or inconsistent; the message says what to run."""


@dataclass(frozen=True)
class PublicKey:
    thumbprint: str
    key: ECKey
    created_at: datetime
    active: bool


@dataclass(frozen=True)
class _Snapshot:
    stamp: int | None
    active: str | None
    keys: list[PublicKey]
    key_set: KeySet


def did_for(base_url: str) -> str:
    """``did:web`` for the platform's host (a port is percent-encoded, as did:web requires)."""
    return "did:web:" + quote(urlsplit(base_url).netloc, safe="")


class KeyStore:
    def __init__(self, folder: Path, base_url: str):
        self.folder = folder
        self.base_url = base_url
        self.did = did_for(base_url)
        self._cache: _Snapshot | None = None

    def kid(self, thumbprint: str) -> str:
        """The key id in JWS headers, the DID document and the JWKS: a DID URL naming one key."""
        return f"{self.did}#{thumbprint}"

    def init(self) -> str | None:
        """Make the first key if there is none; returns its thumbprint, or None when one already exists."""
        if (self.folder / "active").exists():
            return None
        return self._generate()

    def rotate(self) -> tuple[str, str]:
        """A new active key; the old one keeps only its public half. Returns (old, new) thumbprints."""
        old = self.active_thumbprint()
        private = self.folder / f"{old}.pem"
        public = ECKey.import_key(private.read_bytes()).as_pem(private=False)
        _write(self.folder / f"{old}.pub.pem", public, mode=0o644)
        new = self._generate()
        private.unlink()
        self._cache = None
        return old, new

    def active_thumbprint(self) -> str:
        active = self._snapshot().active
        if active is None:
            raise SigningKeyMissing(f"no signing key in {self.folder}: run `imsa keys init`")
        return active

    def signing_key(self) -> tuple[str, ECKey]:
        """(kid, private key) of the active key."""
        thumbprint = self.active_thumbprint()
        path = self.folder / f"{thumbprint}.pem"
        if not path.exists():
            raise SigningKeyMissing(f"the active key {path} is missing: restore it from backup or rotate")
        return self.kid(thumbprint), ECKey.import_key(path.read_bytes())

    def public_keys(self) -> list[PublicKey]:
        """Every key ever used to sign, the active one first."""
        return self._snapshot().keys

    def _snapshot(self) -> _Snapshot:
        """The folder as last read; read again whenever it changes (a rotation adds and removes files)."""
        try:
            stamp = os.stat(self.folder).st_mtime_ns
        except FileNotFoundError:
            stamp = None
        if self._cache is None or self._cache.stamp != stamp:
            marker = self.folder / "active"
            active = marker.read_text().strip() if marker.exists() else None
            keys = self._read_public_keys(active)
            key_set = KeySet.import_key_set(self._jwks(keys))
            self._cache = _Snapshot(stamp, active, keys, key_set)
        return self._cache

    def _read_public_keys(self, active: str | None) -> list[PublicKey]:
        found = []
        for path in self.folder.glob("*.pem") if self.folder.exists() else ():
            thumbprint = path.name.split(".")[0]
            key = ECKey.import_key(ECKey.import_key(path.read_bytes()).as_pem(private=False))
            created = datetime.fromtimestamp(path.stat().st_mtime, UTC)
            found.append(PublicKey(thumbprint, key, created, thumbprint == active))
        return sorted(found, key=lambda k: (not k.active, -k.created_at.timestamp()))

    def jwks(self) -> dict:
        return self._jwks(self.public_keys())

    def _jwks(self, keys: list[PublicKey]) -> dict:
        return {
            "keys": [
                {**k.key.as_dict(private=False), "kid": self.kid(k.thumbprint), "alg": "ES256", "use": "sig"}
                for k in keys
            ]
        }

    def key_set(self) -> KeySet:
        return self._snapshot().key_set

    def did_document(self, base_url: str) -> dict:
        methods = [
            {
                "id": self.kid(k.thumbprint),
                "type": "JsonWebKey2020",
                "controller": self.did,
                "publicKeyJwk": {**k.key.as_dict(private=False), "alg": "ES256"},
            }
            for k in self.public_keys()
        ]
        return {
            "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/suites/jws-2020/v1"],
            "id": self.did,
            "alsoKnownAs": [base_url],
            "verificationMethod": methods,
            "assertionMethod": [m["id"] for m in methods],
            "service": [
                {"id": f"{self.did}#verify", "type": "LinkedDomains", "serviceEndpoint": base_url},
            ],
        }

    def _generate(self) -> str:
        self._cache = None
        self.folder.mkdir(parents=True, exist_ok=True)
        os.chmod(self.folder, 0o700)
        key = ECKey.generate_key("P-256", private=True)
        thumbprint = key.thumbprint()
        _write(self.folder / f"{thumbprint}.pem", key.as_pem(private=True), mode=0o600)
        marker = self.folder / "active.tmp"
        marker.write_text(thumbprint + "\n")
        marker.replace(self.folder / "active")  # atomic: the active key is never half-named
        return thumbprint


def _write(path: Path, data: bytes, mode: int) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def keystore() -> KeyStore:
    """The running app's key store (one per app, so its cache of public keys is shared)."""
    config = current_app.config
    where = (config["IMSA_SIGNING_KEY_DIR"], current_app.instance_path, config["IMSA_BASE_URL"])
    found = current_app.extensions.get("imsa_keystore")
    if found is None or found[0] != where:
        folder = Path(where[0] or Path(where[1]) / "keys")
        found = current_app.extensions["imsa_keystore"] = (where, KeyStore(folder, where[2]))
    return found[1]
