"""Data Integrity proofs (W3C VC Data Integrity 1.0, cryptosuite ``eddsa-rdfc-2022``) with Ed25519.

The JSON-LD form of a credential carries an embedded ``DataIntegrityProof``: both the proof options and
the credential are canonicalised with RDF Dataset Canonicalization (RDFC-1.0, which pyld calls URDNA2015),
each hashed with SHA-256, and the two hashes, proof options first, are signed with Ed25519. JSON-LD
processing reads only the contexts shipped in ``contexts/`` (copied from the npm packages the DCC verifier
itself uses, see ``scripts/copy-contexts.mjs``): the document loader refuses every other URL, so signing
and verifying never touch the network and a credential cannot make us fetch anything.
"""

from __future__ import annotations

import copy
import hashlib
import json
from functools import cache
from pathlib import Path

import base58
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from pyld import jsonld

from app.i18n import gettext as _

CONTEXTS = Path(__file__).parent / "contexts"
CRYPTOSUITE = "eddsa-rdfc-2022"


class ProofInvalid(ValueError):
    """The proof is missing, malformed, not ours, or does not match the document (the message is in the
    request's language: the verify page shows it)."""


@cache
def _contexts() -> dict[str, dict]:
    index = json.loads((CONTEXTS / "index.json").read_text())
    return {url: json.loads((CONTEXTS / name).read_text()) for url, name in index.items()}


def document_loader(url: str, options=None) -> dict:
    """pyld document loader serving only the shipped contexts."""
    context = _contexts().get(url)
    if context is None:
        raise jsonld.JsonLdError(
            f"the context {url} is not one this platform ships",
            "jsonld.LoadDocumentError",
            code="loading document failed",
        )
    return {"contextUrl": None, "documentUrl": url, "document": copy.deepcopy(context)}


def _canonical(document: dict) -> bytes:
    options = {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": document_loader}
    try:
        return jsonld.normalize(document, options).encode()
    except jsonld.JsonLdError as error:
        raise ProofInvalid(_("not valid JSON-LD for our contexts: %(error)s", error=error)) from error


def _hash_data(document: dict, proof_options: dict) -> bytes:
    """SHA-256 of the canonical proof options, then of the canonical document (eddsa-rdfc-2022 §3.3)."""
    config = {**proof_options, "@context": document["@context"]}
    unsigned = {k: v for k, v in document.items() if k != "proof"}
    return hashlib.sha256(_canonical(config)).digest() + hashlib.sha256(_canonical(unsigned)).digest()


def sign(
    document: dict, verification_method: str, key: Ed25519PrivateKey, created: str, as_set: bool = False
) -> dict:
    """``document`` with an embedded ``DataIntegrityProof`` made with ``key`` (``as_set``: as a one-proof
    array, the shape the OB 3.0 JSON schema asks for)."""
    proof = {
        "type": "DataIntegrityProof",
        "cryptosuite": CRYPTOSUITE,
        "created": created,
        "verificationMethod": verification_method,
        "proofPurpose": "assertionMethod",
    }
    signature = key.sign(_hash_data(document, proof))
    signed = {**proof, "proofValue": "z" + base58.b58encode(signature).decode()}
    return {**document, "proof": [signed] if as_set else signed}


def verify(document: dict, public_key_for) -> dict:
    """The proof of ``document`` if it checks out; raises ProofInvalid otherwise.

    ``public_key_for(verification_method)`` returns our Ed25519 public key of that id, or None.
    """
    proof = document.get("proof") if isinstance(document, dict) else None
    if isinstance(proof, list):  # a proof set: ours has exactly one proof
        if len(proof) != 1:
            raise ProofInvalid(_("a credential of this issuer has exactly one proof"))
        proof = proof[0]
    if not isinstance(proof, dict):
        raise ProofInvalid(_("there is no proof"))
    if proof.get("type") != "DataIntegrityProof" or proof.get("cryptosuite") != CRYPTOSUITE:
        raise ProofInvalid(_("the proof is not an eddsa-rdfc-2022 Data Integrity proof"))
    if proof.get("proofPurpose") != "assertionMethod":
        raise ProofInvalid(_("the proof is not for an assertion"))
    key: Ed25519PublicKey | None = public_key_for(proof.get("verificationMethod"))
    if key is None:
        raise ProofInvalid(_("the proof was not made with a key this issuer publishes"))
    value = proof.get("proofValue")
    if not isinstance(value, str) or not value.startswith("z"):
        raise ProofInvalid(_("the proof value is not base58btc multibase"))
    try:
        signature = base58.b58decode(value[1:])
    except ValueError as error:
        raise ProofInvalid(_("the proof value is not base58btc")) from error
    options = {k: v for k, v in proof.items() if k != "proofValue"}
    try:
        key.verify(signature, _hash_data(document, options))
    except InvalidSignature as error:
        raise ProofInvalid(_("the credential was altered after it was signed")) from error
    return proof
