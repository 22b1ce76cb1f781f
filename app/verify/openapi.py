"""The OpenAPI 3.1 description of the verification API, served at ``/api/v1/openapi.json``."""

from __future__ import annotations

from app.verify.verification import Verdict


def openapi_document(base_url: str) -> dict:
    """The whole description: what the API is, its paths, and the schemas they answer with."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "IMSA® credential verification",
            "version": "1.0.0",
            "description": (
                "Check an IMSA® accreditation. The verdict is computed by verifying the signature (ES256 "
                "for the JWS form, an eddsa-rdfc-2022 Data Integrity proof for the JSON-LD form) against "
                "the keys in /.well-known/did.json, the validity dates, and the signed status lists at "
                "/status/1 (revocation) and /status/2 (suspension). No account is needed; requests are "
                "rate-limited per address."
            ),
        },
        "servers": [{"url": base_url.rstrip("/")}],
        "paths": _paths(),
        "components": {"schemas": _schemas()},
    }


def _schemas() -> dict:
    """The answer every verification gives (``Result``) and its parts."""
    result = {
        "type": "object",
        "required": ["verdict", "status", "checks"],
        "properties": {
            "verdict": {"type": "string", "enum": [v.value for v in Verdict]},
            "status": {"type": "string", "description": "The verdict in words, as the web page shows it."},
            "checks": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["name", "passed", "detail"],
                    "properties": {
                        "name": {"type": "string"},
                        "passed": {"type": "boolean"},
                        "detail": {"type": "string"},
                    },
                },
            },
            "credential": {
                "type": "object",
                "description": "Present once the signature checks out.",
                "properties": {
                    key: {"type": "string"}
                    for key in (
                        "code",
                        "holder",
                        "achievement",
                        "curriculumVersion",
                        "issuer",
                        "issuerId",
                        "awardedDate",
                        "validFrom",
                        "validUntil",
                    )
                }
                | {
                    "record": {
                        "type": ["string", "null"],
                        "description": 'A module record ("Module record: M03 …"), "Transcript", or null',
                    }
                },
            },
            "revoked": {"$ref": "#/components/schemas/StatusChange"},
            "suspended": {"$ref": "#/components/schemas/StatusChange"},
        },
    }
    return {
        "Result": result,
        "StatusChange": {
            "type": "object",
            "properties": {
                "at": {"type": "string", "format": "date-time"},
                "reason": {"type": "string"},
            },
        },
    }


def _paths() -> dict:
    """The two ways to ask: by code, or by posting the signed credential."""
    answer = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Result"}}}}
    return {
        "/api/v1/verify/{code}": {
            "get": {
                "summary": "Verify a credential by its code",
                "parameters": [
                    {
                        "name": "code",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string", "example": "IMSA-7K4Q-9D2M-X"},
                        "description": "Case, spaces and confusable letters (O/0, I/L/1) are tolerated.",
                    }
                ],
                "responses": {
                    "200": {"description": "The verdict and the credential's public facts", **answer},
                    "404": {"description": "No credential has this code (verdict not_found)", **answer},
                    "429": {"description": "Too many lookups from this address; try again later"},
                },
            }
        },
        "/api/v1/verify": {
            "post": {
                "summary": "Verify a signed credential: the compact JWS or the JSON-LD form",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/jwt": {"schema": {"type": "string"}},
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["credential"],
                                "properties": {"credential": {"type": ["string", "object"]}},
                            }
                        },
                        "application/vc+ld+json": {"schema": {"type": "object"}},
                    },
                },
                "responses": {
                    "200": {"description": "The verdict", **answer},
                    "400": {"description": "No credential in the request"},
                    "429": {"description": "Too many lookups from this address; try again later"},
                },
            }
        },
    }
