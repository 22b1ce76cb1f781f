from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import EmailField, StringField
from wtforms.validators import DataRequired, Length


class CodeForm(FlaskForm):
    code = StringField(
        _l("Credential code"),
        validators=[DataRequired(_l("Enter the code printed on the certificate")), Length(max=40)],
    )


class UploadForm(FlaskForm):
    certificate = FileField(
        _l("Certificate PDF"),
        validators=[
            FileRequired(_l("Choose the certificate PDF to check")),
            FileAllowed(["pdf"], _l("The file must be a PDF certificate")),
        ],
    )


class EmailForm(FlaskForm):
    email = EmailField(
        _l("Candidate’s email address"),
        validators=[DataRequired(_l("Enter the email address to check")), Length(max=254)],
    )
