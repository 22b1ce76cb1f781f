from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, EqualTo, Length

from app.auth.models import Role
from app.auth.services import MIN_PASSWORD_LENGTH
from app.i18n import LANGUAGES


class SignInForm(FlaskForm):
    email = EmailField(_l("Email address"), validators=[DataRequired(_l("Enter your email address"))])
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password"))])
    remember = BooleanField(_l("Keep me signed in on this device for 14 days"), default=False)


class NewPasswordForm(FlaskForm):
    password = PasswordField(
        _l("Create a password"),
        validators=[
            DataRequired(_l("Enter a password")),
            Length(
                min=MIN_PASSWORD_LENGTH,
                max=200,
                message=_l("Your password must be at least %(count)s characters", count=MIN_PASSWORD_LENGTH),
            ),
        ],
    )
    confirm = PasswordField(
        _l("Confirm your password"),
        validators=[
            DataRequired(_l("Enter your password again")),
            EqualTo("password", _l("The passwords do not match")),
        ],
    )


class AcceptInvitationForm(NewPasswordForm):
    name = StringField(
        _l("Your name"),
        validators=[
            DataRequired(_l("Enter your name")),
            Length(max=120, message=_l("Your name must be 120 characters or fewer")),
        ],
    )
    # Asked once, here: the language of the emails the platform sends (and of the pages, until switched).
    # Preselected with the page's language; a form sent without it keeps that (see the view).
    language = RadioField(
        _l("Which language should we write to you in?"),
        choices=[SelectChoice(tag, name) for tag, name in LANGUAGES.items()],
        validate_choice=False,
    )


class ForgotPasswordForm(FlaskForm):
    email = EmailField(
        _l("Email address"),
        validators=[
            DataRequired(_l("Enter your email address")),
            Email(_l("Enter an email address in the correct format, like name@example.org")),
        ],
    )


STAFF_ROLES = [
    SelectChoice(r.value, _l(r.label))
    for r in (Role.TRAINER, Role.HUB_ADMIN, Role.ORG_MANAGER, Role.EXTERNAL_EXAMINER)
]


class InvitePersonForm(FlaskForm):
    """Who to invite: only what an account needs, a name and a work email address."""

    name = StringField(
        _l("Full name"),
        validators=[
            DataRequired(_l("Enter the person's name")),
            Length(max=120, message=_l("The name must be 120 characters or fewer")),
        ],
    )
    email = EmailField(
        _l("Email address"),
        validators=[
            DataRequired(_l("Enter the person's email address")),
            Email(_l("Enter an email address in the correct format, like name@example.org")),
        ],
    )


class InviteStaffForm(InvitePersonForm):
    roles = SelectMultipleField(
        _l("Roles"), choices=STAFF_ROLES, validators=[DataRequired(_l("Choose at least one role"))]
    )
    organisation = SelectField(_l("Organisation (for organisation managers)"), choices=[], default="")
