"""The issuer's signing keys, kept as files, never in the database or the repository.

Each key generation is a pair: a P-256 key (ES256, for the JWS form of a credential) and an Ed25519 key
(for its Data Integrity proof, ``eddsa-rdfc-2022``), named by the P-256 key's thumbprint.
The folder (``IMSA_SIGNING_KEY_DIR``, default ``instance/keys``) holds ``<thumbprint>.pem`` and
``<thumbprint>.ed25519`` for the active private keys, ``<thumbprint>.pub.pem`` and
``<thumbprint>.ed25519.pub`` for every retired pair, and ``active`` naming the pair that signs.
Rotation retires the active pair: the private halves are deleted, the public halves stay published in
the DID document and JWKS, so credentials they signed still verify. A folder made before Ed25519 keys
existed gets one for its active key the first time one is needed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote, urlsplit

import base58
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from flask import current_app
from joserfc.jwk import ECKey, KeySet

ED25519_MULTICODEC = b"\xed\x01"  # multicodec prefix of an Ed25519 public key, as Multikey requires


class SigningKeyMissing(RuntimeError):
    """The key folder is missing, empty or inconsistent; the message says what to run."""


@dataclass(frozen=True)
class PublicKey:
    thumbprint: str
    key: ECKey
    created_at: datetime
    active: bool


@dataclass(frozen=True)
class EdKey:
    """The Ed25519 half of a key pair, published as a Multikey."""

    thumbprint: str
    key: Ed25519PublicKey

    @property
    def multibase(self) -> str:
        raw = self.key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return "z" + base58.b58encode(ED25519_MULTICODEC + raw).decode()


@dataclass(frozen=True)
class _Snapshot:
    stamp: int | None
    active: str | None
    keys: list[PublicKey]
    key_set: KeySet
    ed_keys: list[EdKey]


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

    def ed_kid(self, thumbprint: str) -> str:
        """The Ed25519 key's verification method id in the DID document."""
        return f"{self.did}#{thumbprint}-ed25519"

    def init(self) -> str | None:
        """Make the first key if there is none; returns its thumbprint, or None when one already exists."""
        if (self.folder / "active").exists():
            self.ed_signing_key()  # a folder from before Ed25519 keys gets one now
            return None
        return self._generate()

    def rotate(self) -> tuple[str, str]:
        """A new active key; the old one keeps only its public half. Returns (old, new) thumbprints."""
        old = self.active_thumbprint()
        private = self.folder / f"{old}.pem"
        public = ECKey.import_key(private.read_bytes()).as_pem(private=False)
        _write(self.folder / f"{old}.pub.pem", public, mode=0o644)
        ed_private = self._ed_private(old)
        _write(self.folder / f"{old}.ed25519.pub", _ed_public_pem(ed_private), mode=0o644)
        new = self._generate()
        private.unlink()
        (self.folder / f"{old}.ed25519").unlink()
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

    def ed_signing_key(self) -> tuple[str, Ed25519PrivateKey]:
        """(verification method id, private key) of the active Ed25519 key."""
        thumbprint = self.active_thumbprint()
        return self.ed_kid(thumbprint), self._ed_private(thumbprint)

    def _ed_private(self, thumbprint: str) -> Ed25519PrivateKey:
        path = self.folder / f"{thumbprint}.ed25519"
        if not path.exists():
            if not (self.folder / f"{thumbprint}.pem").exists():
                raise SigningKeyMissing(f"the active key {path} is missing: restore it from backup or rotate")
            _write_new(path, _ed_private_pem(Ed25519PrivateKey.generate()))
            self._cache = None
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        assert isinstance(key, Ed25519PrivateKey)
        return key

    def ed_keys(self) -> list[EdKey]:
        """Every Ed25519 key ever used to sign, in the same order as ``public_keys``."""
        return self._snapshot().ed_keys

    def ed_key(self, verification_method: str) -> EdKey | None:
        """Our Ed25519 key named by ``verification_method``, or None when it is not one of ours."""
        for key in self.ed_keys():
            if self.ed_kid(key.thumbprint) == verification_method:
                return key
        return None

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
            self._cache = _Snapshot(stamp, active, keys, key_set, self._read_ed_keys(keys))
        return self._cache

    def _read_ed_keys(self, keys: list[PublicKey]) -> list[EdKey]:
        found = []
        for k in keys:
            for name in (f"{k.thumbprint}.ed25519", f"{k.thumbprint}.ed25519.pub"):
                path = self.folder / name
                if path.exists():
                    found.append(EdKey(k.thumbprint, _ed_public(path.read_bytes())))
                    break
        return found

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
        ] + [
            {
                "id": self.ed_kid(k.thumbprint),
                "type": "Multikey",
                "controller": self.did,
                "publicKeyMultibase": k.multibase,
            }
            for k in self.ed_keys()
        ]
        return {
            "@context": [
                "https://www.w3.org/ns/did/v1",
                "https://w3id.org/security/suites/jws-2020/v1",
                "https://w3id.org/security/multikey/v1",
            ],
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
        _write(
            self.folder / f"{thumbprint}.ed25519", _ed_private_pem(Ed25519PrivateKey.generate()), mode=0o600
        )
        marker = self.folder / "active.tmp"
        marker.write_text(thumbprint + "\n")
        marker.replace(self.folder / "active")  # atomic: the active key is never half-named
        return thumbprint


def _write(path: Path, data: bytes, mode: int) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def _write_new(path: Path, data: bytes) -> None:
    """Write a private key only if no other request has just written it (then theirs is kept)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def _ed_private_pem(key: Ed25519PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _ed_public_pem(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def _ed_public(pem: bytes) -> Ed25519PublicKey:
    """The public half of a PEM Ed25519 key file, private or public."""
    if b"PRIVATE" in pem:
        private = serialization.load_pem_private_key(pem, password=None)
        assert isinstance(private, Ed25519PrivateKey)
        return private.public_key()
    public = serialization.load_pem_public_key(pem)
    assert isinstance(public, Ed25519PublicKey)
    return public


def keystore() -> KeyStore:
    """The running app's key store (one per app, so its cache of public keys is shared)."""
    config = current_app.config
    where = (config["IMSA_SIGNING_KEY_DIR"], current_app.instance_path, config["IMSA_BASE_URL"])
    found = current_app.extensions.get("imsa_keystore")
    if found is None or found[0] != where:
        folder = Path(where[0] or Path(where[1]) / "keys")
        found = current_app.extensions["imsa_keystore"] = (where, KeyStore(folder, where[2]))
    return found[1]
