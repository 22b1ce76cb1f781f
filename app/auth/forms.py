from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, EqualTo, Length

from app.auth.models import Role
from app.auth.services import MIN_PASSWORD_LENGTH


class SignInForm(FlaskForm):
    email = EmailField("Email address", validators=[DataRequired("Enter your email address")])
    password = PasswordField("Password", validators=[DataRequired("Enter your password")])
    remember = BooleanField("Keep me signed in on this device for 14 days", default=False)


class NewPasswordForm(FlaskForm):
    password = PasswordField(
        "Create a password",
        validators=[
            DataRequired("Enter a password"),
            Length(
                min=MIN_PASSWORD_LENGTH,
                max=200,
                message=f"Your password must be at least {MIN_PASSWORD_LENGTH} characters",
            ),
        ],
    )
    confirm = PasswordField(
        "Confirm your password",
        validators=[
            DataRequired("Enter your password again"),
            EqualTo("password", "The passwords do not match"),
        ],
    )


class AcceptInvitationForm(NewPasswordForm):
    name = StringField(
        "Your name",
        validators=[
            DataRequired("Enter your name"),
            Length(max=120, message="Your name must be 120 characters or fewer"),
        ],
    )


class ForgotPasswordForm(FlaskForm):
    email = EmailField(
        "Email address",
        validators=[
            DataRequired("Enter your email address"),
            Email("Enter an email address in the correct format, like name@example.org"),
        ],
    )


STAFF_ROLES = [
    SelectChoice(r.value, r.label)
    for r in (Role.TRAINER, Role.HUB_ADMIN, Role.ORG_MANAGER, Role.EXTERNAL_EXAMINER)
]


class InvitePersonForm(FlaskForm):
    """Who to invite: only what an account needs, a name and a work email address."""

    name = StringField("Full name", validators=[DataRequired("Enter the person's name"), Length(max=120)])
    email = EmailField(
        "Email address",
        validators=[
            DataRequired("Enter the person's email address"),
            Email("Enter an email address in the correct format, like name@example.org"),
        ],
    )


class InviteStaffForm(InvitePersonForm):
    roles = SelectMultipleField(
        "Roles", choices=STAFF_ROLES, validators=[DataRequired("Choose at least one role")]
    )
    organisation = SelectField("Organisation (for organisation managers)", choices=[], default="")
