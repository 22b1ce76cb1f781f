from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_user, logout_user

from app.auth import bp, services
from app.auth.access import public, signed_in
from app.auth.forms import (
    AcceptInvitationForm,
    ForgotPasswordForm,
    NewPasswordForm,
    SignInForm,
)
from app.extensions import limiter
from app.i18n import COOKIE, COOKIE_MAX_AGE, LANGUAGES, current_language
from app.i18n import gettext as _
from app.web import safe_redirect_target


def _sign_in_limit() -> str:
    return current_app.config["IMSA_SIGN_IN_LIMIT"]


def _address_limit() -> str:
    return current_app.config["IMSA_SIGN_IN_ADDRESS_LIMIT"]


def _address_and_account() -> str:
    """Attempts are counted per account and address: a whole training room behind one address is not
    locked out by one person's typos, while guessing one account's password stays slow."""
    return f"{get_remote_address()}/{request.form.get('email', '').strip().lower()}"


def _start_session(user, remember: bool = False) -> None:
    """A new session for a new sign-in: nothing from before survives into it (not the CSRF token an
    attacker may have planted or read before the person signed in, nor anyone else's flashed messages)."""
    session.clear()
    login_user(user, remember=remember)


def _end_session() -> None:
    session.clear()
    logout_user()  # after clearing: it leaves the note that deletes the remember-me cookie


def _failed(response) -> bool:
    """Only failed sign-ins count towards the limit: the form is shown again instead of a redirect."""
    return response.status_code != 302


@bp.route("/sign-in", methods=["GET", "POST"])
@public
@limiter.limit(_sign_in_limit, methods=["POST"], key_func=_address_and_account, deduct_when=_failed)
@limiter.limit(_address_limit, methods=["POST"], deduct_when=_failed)
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("site.home"))
    form = SignInForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            _start_session(user, remember=form.remember.data)
            return redirect(safe_redirect_target(request.args.get("next")))
        form.password.errors.append(_("Enter a correct email address and password"))
    return render_template("auth/sign_in.html", form=form, title=_("Sign in"))


@bp.errorhandler(429)
def _too_many_attempts(error):
    form = SignInForm()
    form.email.data = request.form.get("email", "")
    form.password.errors = [
        _("You have tried to sign in too many times. Wait a minute, then try again, or reset your password.")
    ]
    return render_template("auth/sign_in.html", form=form, title=_("Sign in")), 429


@bp.route("/sign-out", methods=["POST"])
@public
def sign_out():
    """Public, so a stale page's sign-out button still works; a signed-in person's sessions all end."""
    if current_user.is_authenticated:
        services.sign_out(current_user._get_current_object())
    _end_session()
    flash(_("You have signed out."), "success")
    return redirect(url_for("auth.sign_in"))


@bp.route("/account/sign-out-everywhere", methods=["POST"])
@signed_in
def sign_out_everywhere():
    services.sign_out_everywhere(current_user._get_current_object(), current_user._get_current_object())
    _end_session()
    flash(_("You have signed out on every device and browser. Sign in again to carry on."), "success")
    return redirect(url_for("site.home"))  # which, signed out, asks to sign in


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@public
def accept_invitation(token: str):
    try:
        invitation = services.invitation_for(token)
    except services.TokenInvalid as problem:
        return render_template(
            "auth/link_problem.html", title=_("This link cannot be used"), message=str(problem)
        ), 410
    form = AcceptInvitationForm()
    if request.method == "GET":
        form.name.data = invitation.user.name
        form.language.data = invitation.user.language or current_language()
    if form.validate_on_submit():
        language = form.language.data if form.language.data in LANGUAGES else current_language()
        user = services.accept_invitation(token, form.name.data, form.password.data, language)
        _start_session(user)
        flash(_("Your account is ready. Welcome to IMSA® training."), "success")
        return redirect(url_for("site.home"))
    return render_template(
        "auth/accept_invitation.html",
        form=form,
        email=invitation.user.email,
        title=_("Accept your invitation"),
    )


@bp.route("/password/forgot", methods=["GET", "POST"])
@public
@limiter.limit(_sign_in_limit, methods=["POST"], key_func=_address_and_account)
@limiter.limit(_address_limit, methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        return render_template("auth/reset_sent.html", email=form.email.data, title=_("Check your email"))
    return render_template("auth/forgot_password.html", form=form, title=_("Reset your password"))


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@public
def reset_password(token: str):
    try:
        services.reset_for(token)
    except services.TokenInvalid as problem:
        return render_template(
            "auth/link_problem.html", title=_("This link cannot be used"), message=str(problem)
        ), 410
    form = NewPasswordForm()
    if form.validate_on_submit():
        services.reset_password(token, form.password.data)
        _end_session()
        flash(_("Your password has been changed. Sign in with your new password."), "success")
        return redirect(url_for("auth.sign_in"))
    return render_template("auth/reset_password.html", form=form, title=_("Choose a new password"))


@bp.route("/language/<tag>")
@public
def choose_language(tag: str):
    """The English / Cymraeg switch: remembered in a cookie, and on the account of a signed-in person."""
    if tag not in LANGUAGES:
        abort(404)
    if current_user.is_authenticated:
        services.set_language(current_user._get_current_object(), tag)
    response = redirect(safe_redirect_target(request.args.get("next")))
    response.set_cookie(
        COOKIE,
        tag,
        max_age=COOKIE_MAX_AGE,
        secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
        httponly=True,
        samesite="Lax",
    )
    return response


@bp.route("/account")
@signed_in
def account():
    return render_template("auth/account.html", title=_("Your account"))
