"""A ZIP anyone can check offline with standard tools: every file is listed with its SHA-256 in
``SHA256SUMS`` (the format ``sha256sum -c`` reads), and that manifest is signed with the issuer's P-256 key
(``SHA256SUMS.sig``, a DER ECDSA signature, the format ``openssl dgst -sha256 -verify`` reads). The public
key travels as ``issuer-key.pem``; a checker must compare it with the key the issuer publishes (the DID
document or JWKS), which ``check`` does against the keys it is given.

Signing uses ``cryptography`` directly rather than JOSE so the result is checkable without any JOSE tool.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

MANIFEST = "SHA256SUMS"
SIGNATURE = "SHA256SUMS.sig"
PUBLIC_KEY = "issuer-key.pem"
_SEAL = {MANIFEST, SIGNATURE, PUBLIC_KEY}
_LINE = re.compile(r"^([0-9a-f]{64})  (\S(?:.*\S)?)$")
_STAMP = (1980, 1, 1, 0, 0, 0)


def manifest(files: dict[str, bytes]) -> bytes:
    return "".join(
        f"{hashlib.sha256(data).hexdigest()}  {name}\n" for name, data in sorted(files.items())
    ).encode()


def seal(files: dict[str, bytes], private_pem: bytes) -> bytes:
    """The ZIP holding ``files`` plus the signed manifest and the public key."""
    if _SEAL & files.keys():
        raise ValueError(f"{sorted(_SEAL & files.keys())} are the seal's own names")
    key = serialization.load_pem_private_key(private_pem, password=None)
    listed = manifest(files)
    members = {
        **files,
        MANIFEST: listed,
        SIGNATURE: key.sign(listed, ec.ECDSA(hashes.SHA256())),
        PUBLIC_KEY: key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ),
    }
    return _archive(members)


def _archive(members: dict[str, bytes]) -> bytes:
    """Stored (not compressed), sorted, with a fixed time: one set of members has exactly one archive, so a
    checker can rebuild it and notice a change even in bytes no file's content covers."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name in sorted(members):
            archive.writestr(zipfile.ZipInfo(name, date_time=_STAMP), members[name])
    return buffer.getvalue()


@dataclass
class Report:
    files: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _read(data: bytes, report: Report) -> dict[str, bytes] | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return {info.filename: archive.read(info) for info in archive.infolist() if not info.is_dir()}
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as error:
        report.problems.append(f"not a readable ZIP: {error}")
    except Exception as error:  # zlib and CRC errors surface as several types; each means a damaged file
        report.problems.append(f"a file in the ZIP is damaged: {error}")
    return None


def _listed(text: bytes, report: Report) -> dict[str, str]:
    listed: dict[str, str] = {}
    for number, line in enumerate(text.decode("utf-8", "replace").splitlines(), start=1):
        found = _LINE.match(line)
        if found is None:
            report.problems.append(f"{MANIFEST} line {number} is not '<sha256>  <name>'")
        else:
            listed[found.group(2)] = found.group(1)
    return listed


def _public_key(pem: bytes, trusted: list[bytes], report: Report):
    try:
        key = serialization.load_pem_public_key(pem)
    except ValueError:
        report.problems.append(f"{PUBLIC_KEY} is not a public key")
        return None
    numbers = key.public_numbers()
    for candidate in trusted:
        if serialization.load_pem_public_key(candidate).public_numbers() == numbers:
            return key
    report.problems.append(f"{PUBLIC_KEY} is not one of the issuer's published keys")
    return None


def check(data: bytes, trusted_public_pems: list[bytes]) -> Report:
    """Every problem found, or none: the manifest's signature by a trusted key, every hash, no extra file."""
    report = Report()
    members = _read(data, report)
    if members is None:
        return report
    missing = [name for name in (MANIFEST, SIGNATURE, PUBLIC_KEY) if name not in members]
    if missing:
        report.problems.append(f"the seal is incomplete: {', '.join(missing)} missing")
        return report
    key = _public_key(members[PUBLIC_KEY], trusted_public_pems, report)
    if key is not None:
        try:
            key.verify(members[SIGNATURE], members[MANIFEST], ec.ECDSA(hashes.SHA256()))
        except InvalidSignature:
            report.problems.append(f"{SIGNATURE} does not match {MANIFEST}: the manifest was changed")
    listed = _listed(members[MANIFEST], report)
    for name, digest in sorted(listed.items()):
        if name not in members:
            report.problems.append(f"{name} is listed but missing")
        elif hashlib.sha256(members[name]).hexdigest() != digest:
            report.problems.append(f"{name} was changed (its SHA-256 does not match)")
        else:
            report.files.append(name)
    report.problems.extend(
        f"{name} is not in {MANIFEST}" for name in sorted(members.keys() - listed.keys() - _SEAL)
    )
    if report.ok and _archive(members) != data:
        report.problems.append("the ZIP's own structure was changed (it is not the archive the issuer wrote)")
    return report
