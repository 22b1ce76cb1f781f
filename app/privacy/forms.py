from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField
from wtforms.validators import DataRequired, Email


class PersonForm(FlaskForm):
    email = EmailField(
        "Email address of the person",
        validators=[DataRequired("Enter the person's email address"), Email("Enter a valid email address")],
    )


class EraseForm(PersonForm):
    confirm = BooleanField(
        "I understand this cannot be undone",
        validators=[DataRequired("Confirm that you understand the erasure cannot be undone")],
    )
