from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField
from wtforms.validators import DataRequired, Email


class PersonForm(FlaskForm):
    email = EmailField(
        _l("Email address of the person"),
        validators=[
            DataRequired(_l("Enter the person's email address")),
            Email(_l("Enter a valid email address")),
        ],
    )


class EraseForm(PersonForm):
    confirm = BooleanField(
        _l("I understand this cannot be undone"),
        validators=[DataRequired(_l("Confirm that you understand the erasure cannot be undone"))],
    )
