"""Public verification (no account): by code, by QR link, by uploaded PDF, and by machine.

Every verdict comes from ``verify.verification``, which checks the signed credential against the
published keys and status lists. Lookups are rate-limited per address; only counts are kept.
"""

from __future__ import annotations

import json

from flask import (
    Response,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from app.accreditation import codes, credentials, ledger, sharing, status
from app.accreditation.certificate import CertificateReadError, embedded_credential
from app.accreditation.certificate_files import certificate_pdf
from app.accreditation.issuing import criteria_narrative, linked_data_credential
from app.accreditation.keys import keystore
from app.accreditation.lookups import credential_or_404, share_link_or_404
from app.accreditation.models import CredentialKind
from app.auth.access import public
from app.auth.policy import may_download_credential
from app.extensions import csrf, limiter
from app.i18n import gettext as _
from app.verify import bp, pages, verification
from app.verify.counts import count
from app.verify.forms import CodeForm, EmailForm, UploadForm
from app.verify.lookups import published_version_or_404
from app.verify.openapi import openapi_document


def _limit() -> str:
    return current_app.config["IMSA_VERIFY_LIMIT"]


def _render(
    result: verification.Result, method: str, email_form=None, email_checked=None, status_code=200, share=None
):
    count(method, result.verdict)
    code = result.code or (result.record.code if result.record else None)
    email_form = email_form or EmailForm(formdata=None)

    def draw() -> str:
        return render_template(
            "verify/result.html",
            result=result,
            code=code,
            email_form=email_form,
            email_checked=email_checked,
            method=method,
            share=share,
            title=_("%(verdict)s: credential check", verdict=result.verdict.label),
        )

    if pages.the_same_for_everyone(share, email_form, email_checked):
        return pages.drawn(pages.key(result, method, status_code), draw), status_code
    return draw(), status_code


@bp.route("/verify", methods=["GET", "POST"])
@public
@limiter.limit(_limit, methods=["POST"])
def start():
    """Enter a code, or upload a certificate PDF (the two forms post here with a ``form`` field)."""
    code_form, upload_form = CodeForm(prefix="code"), UploadForm(prefix="upload")
    if request.method == "POST" and request.form.get("form") == "upload":
        code_form = CodeForm(prefix="code", formdata=None)
        if upload_form.validate_on_submit():
            upload = upload_form.certificate.data
            data = upload.read(verification.MAX_FILE_LENGTH)
            if not upload.filename.lower().endswith(".pdf"):
                return _render(verification.verify_file(data), "file")
            try:
                token = embedded_credential(data)
            except CertificateReadError as error:
                upload_form.certificate.errors = [str(error)]
            else:
                return _render(verification.verify_token(token), "pdf")
    elif request.method == "POST":
        upload_form = UploadForm(prefix="upload", formdata=None)
        if code_form.validate_on_submit():
            canonical = codes.normalise(code_form.code.data)
            if canonical is None:
                code_form.code.errors = [
                    _(
                        "This is not a valid credential code: check each character (codes look like "
                        "%(example)s, and the last character catches most typing mistakes)",
                        example="IMSA-7K4Q-9D2M-X",
                    )
                ]
            else:
                return redirect(url_for("verify.by_code", code=canonical, via="code"))
    status_code = 400 if code_form.errors or upload_form.errors else 200
    return render_template(
        "verify/start.html",
        code_form=code_form,
        upload_form=upload_form,
        form=code_form if code_form.errors else upload_form,
        title=_("Check an IMSA® accreditation"),
    ), status_code


@bp.route("/verify/<code>", methods=["GET", "POST"])
@public
@csrf.exempt  # the email check only (see EmailForm)
@limiter.limit(_limit)
def by_code(code):
    """The QR code and shared links land here; POST checks an email address against the salted hash."""
    canonical = codes.normalise(code)
    if canonical and canonical != code:
        return redirect(url_for("verify.by_code", code=canonical), 301)
    result = verification.verify_code(canonical)
    method = "code" if request.args.get("via") == "code" else "qr"
    email_form, email_checked = EmailForm(), None
    if request.method == "POST" and email_form.validate_on_submit():
        email_checked = verification.email_matches(result, email_form.email.data)
        method = "email"
    status_code = 404 if result.verdict is verification.Verdict.NOT_FOUND else 200
    return _render(result, method, email_form, email_checked, status_code)


def _download(code: str, kind: str) -> Response:
    """The signed credential, its decoded JSON or the certificate PDF, as a file to save (by code only
    while the holder's page is public: they carry the name)."""
    found = credential_or_404(code)
    if not may_download_credential(current_user, found):
        abort(404)
    if kind == "pdf" and found.kind is not CredentialKind.AWARD:
        abort(404)  # only an award has a certificate
    if kind == "jwt":
        body, mimetype, name = found.jws, "application/vc+jwt", f"{found.code}.jwt"
    elif kind == "jsonld":
        body, mimetype, name = (
            json.dumps(linked_data_credential(found), indent=2, ensure_ascii=False),
            "application/vc+ld+json",
            f"{found.code}.jsonld",
        )
    elif kind == "json":
        payload = credentials.unverified_payload(found.jws)
        body, mimetype, name = (
            json.dumps(payload, indent=2, ensure_ascii=False),
            "application/json",
            f"{found.code}.json",
        )
    else:
        body, mimetype, name = (
            certificate_pdf(found),
            "application/pdf",
            f"IMSA-certificate-{found.code}.pdf",
        )
    return Response(
        body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


@bp.route("/verify/<code>/credential.jwt")
@public
@limiter.limit(_limit)
def credential_jwt(code):
    return _download(code, "jwt")


@bp.route("/verify/<code>/credential.jsonld")
@public
@limiter.limit(_limit)
def credential_jsonld(code):
    """The JSON-LD form with a Data Integrity proof: for the Learner Credential Wallet and DCC verifiers."""
    return _download(code, "jsonld")


@bp.route("/verify/<code>/credential.json")
@public
@limiter.limit(_limit)
def credential_json(code):
    return _download(code, "json")


@bp.route("/verify/<code>/certificate.pdf")
@public
@limiter.limit(_limit)
def certificate(code):
    return _download(code, "pdf")


@bp.route("/verify/share/<token>")
@public
@limiter.limit(_limit)
def shared(token):
    """A link the holder shared: the full verdict, name included, while it works; their public page
    being off does not matter here."""
    link = share_link_or_404(token)
    if not sharing.link_works(link):
        return render_template("verify/share_expired.html", title=_("This share link has expired")), 410
    found = verification.stored(link.credential.code)
    return _render(verification.verify_token(found.jws, record=found), "share", share=link)


@bp.route("/verify/how")
@public
def how():
    return render_template("verify/how.html", did=keystore().did, title=_("How to verify independently"))


@bp.route("/api/v1/verify/<code>")
@public
@limiter.limit(_limit)
def api_by_code(code):
    result = verification.verify_code(codes.normalise(code))
    count("api", result.verdict)
    return jsonify(result.as_json()), 404 if result.verdict is verification.Verdict.NOT_FOUND else 200


@bp.route("/api/v1/verify", methods=["POST"])
@public
@csrf.exempt
@limiter.limit(_limit)
def api_verify_token():
    """POST a compact JWS, as the body (``application/jwt``) or as ``{"credential": "<jws>"}``; or the
    JSON-LD form, as the body or as ``{"credential": {...}}``."""
    token = request.get_json(silent=True) if request.is_json else request.get_data(as_text=True)
    if isinstance(token, dict) and "@context" not in token:
        token = token.get("credential")
    if isinstance(token, dict):
        result = verification.verify_document(token)
        count("jsonld", result.verdict)
        return jsonify(result.as_json())
    if not isinstance(token, str) or not token.strip():
        message = _('send a compact JWS or a JSON-LD credential, or JSON {"credential": ...}')
        return jsonify({"error": message}), 400
    result = verification.verify_token(token)
    count("jws", result.verdict)
    return jsonify(result.as_json())


@bp.route("/api/v1/openapi.json")
@public
def openapi():
    return jsonify(openapi_document(current_app.config["IMSA_BASE_URL"]))


@bp.route("/.well-known/did.json")
@public
def did_document():
    response = jsonify(keystore().did_document(current_app.config["IMSA_BASE_URL"].rstrip("/")))
    response.mimetype = "application/did+json"
    response.add_etag()  # the same keys give the same bytes in every worker
    return _public_cache(response)


@bp.route("/.well-known/jwks.json")
@public
def jwks():
    response = jsonify(keystore().jwks())
    response.add_etag()
    return _public_cache(response)


@bp.route("/ledger/head.jws")
@public
def ledger_head():
    """The credential ledger's head as the issuer last signed it: keep a copy to detect deleted events."""
    token = ledger.signed_head_token()
    if token is None:
        abort(404)
    response = Response(token + "\n", mimetype="application/jose")
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/status/<int:list_number>")
@public
def status_list(list_number):
    """A signed status list credential (compact JWS); ``?format=json`` shows its decoded payload.

    Its ETag names the list, the ledger head and the signing key: each worker signs its own copy (the
    bytes differ, the statuses do not), so the tag is weak, and it changes with every status change."""
    head = status.ledger_head()
    try:
        token = status.signed_list(list_number, head)
    except LookupError:
        abort(404)
    if request.args.get("format") == "json":
        return jsonify(credentials.unverified_payload(token))
    response = Response(token, mimetype="application/vc+jwt")
    sequence, hash_ = head
    response.set_etag(
        f"{list_number}-{sequence}-{hash_[:16]}-{keystore().active_thumbprint()[:16]}", weak=True
    )
    return _public_cache(response, seconds=60)


@bp.route("/status/<int:list_number>/ld")
@public
def status_list_ld(list_number):
    """The same status list as JSON-LD with a Data Integrity proof (for the JSON-LD form of credentials)."""
    try:
        document = status.linked_data_list(list_number)
    except LookupError:
        abort(404)
    response = Response(json.dumps(document), mimetype="application/vc+ld+json")
    return _public_cache(response, seconds=60)


@bp.route("/achievements/<label>")
@public
def achievement(label):
    """What the award means for one curriculum version: the criteria and the modules (alignment targets)."""
    version = published_version_or_404(label)
    return render_template(
        "verify/achievement.html",
        version=version,
        criteria=criteria_narrative(version),
        title=_("IMSA® accreditation, curriculum %(label)s", label=version.label),
    )


def _public_cache(response: Response, seconds: int = 300) -> Response:
    """Cacheable by anyone for ``seconds``; after that a verifier that kept the ETag gets a bodiless 304
    while nothing has changed."""
    response.headers["Cache-Control"] = f"public, max-age={seconds}"
    response.headers["Access-Control-Allow-Origin"] = "*"  # verifiers run in other people's pages
    return response.make_conditional(request)
