"""Each credential's certificate: what it states (read from the signed credential, and whether the Hub has
revoked or suspended it) and its PDF, rendered once per credential, design and status and kept in the
instance folder."""

from __future__ import annotations

import functools
import hashlib
import secrets
from pathlib import Path

from flask import current_app

from app.accreditation import credentials
from app.accreditation.certificate import CERTIFICATES_DIR, CertificateData, Withdrawal
from app.accreditation.models import Credential
from app.accreditation.standing import standing


def certificate_data(credential: Credential) -> CertificateData:
    issued = credentials.unverified_payload(credential.jws)
    base = current_app.config["IMSA_BASE_URL"].rstrip("/")
    # The name as signed, so the printed name and the embedded credential can never disagree.
    name = next(
        i["identityHash"] for i in issued["credentialSubject"]["identifier"] if i["identityType"] == "name"
    )
    return CertificateData(
        holder_name=name,
        achievement_name=issued["credentialSubject"]["achievement"]["name"],
        curriculum_version=credential.curriculum_version.label,
        curriculum_hash=credential.curriculum_version.content_hash,
        awarded_on=credential.awarded_on,
        valid_until=credential.valid_until.date(),
        code=credential.code,
        issuer_name=issued["issuer"]["name"],
        issuer_id=issued["issuer"]["id"],
        verify_url=f"{base}/verify/{credential.code}",
        withdrawn=withdrawal(credential),
    )


def withdrawal(credential: Credential) -> Withdrawal | None:
    """The revocation or suspension the certificate states across the page, if the credential has one."""
    now = standing(credential)
    return Withdrawal(revoked=now.revoked, on=now.since_day) if now.withdrawn else None


@functools.cache
def design_fingerprint() -> str:
    """A short hash of the certificate design's files, read once per process."""
    digest = hashlib.sha256()
    for path in sorted(p for p in CERTIFICATES_DIR.rglob("*") if p.is_file()):
        digest.update(path.relative_to(CERTIFICATES_DIR).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def cache_name(credential: Credential) -> str:
    """The cached file's name: per credential, design and status, so a revocation, suspension or
    reinstatement gives the right PDF at once (and the clean file keeps the name it always had)."""
    name = f"{credential.code}-{design_fingerprint()}"
    mark = withdrawal(credential)
    if mark is not None:
        name += f"-{mark.word.lower()}-{mark.on.isoformat()}"
    return name + ".pdf"


def certificate_pdf(credential: Credential) -> bytes:
    """The certificate PDF, rendered once per credential, design and status, and kept in the instance folder.

    What it states never changes after issue except a revocation or suspension, which the page then
    states across it (expiry needs no mark: the dates are printed). The embedded signed credential is
    always the one issued, so checking an uploaded copy reports the current status whatever it shows.
    """
    folder = Path(current_app.instance_path) / "certificates"
    path = folder / cache_name(credential)
    if path.exists():
        return path.read_bytes()
    # WeasyPrint takes a second to import: only a process that renders a certificate pays for it.
    from app.accreditation.certificate_pdf import render_certificate

    pdf = render_certificate(certificate_data(credential), credential.jws)
    folder.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(f".{secrets.token_hex(4)}.tmp")
    partial.write_bytes(pdf)
    partial.replace(path)  # atomic: a concurrent reader sees no half-written file
    return pdf
