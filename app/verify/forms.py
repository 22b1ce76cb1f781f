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
        _l("Certificate PDF or credential file"),
        description=_l("The PDF certificate, or a credential downloaded from its page (.jwt or .jsonld)"),
        validators=[
            FileRequired(_l("Choose the certificate PDF or credential file to check")),
            FileAllowed(
                ["pdf", "jwt", "jsonld", "json"],
                _l("The file must be a PDF certificate or a .jwt or .jsonld credential"),
            ),
        ],
    )


class EmailForm(FlaskForm):
    """Without a CSRF token: the check changes nothing and its answer goes only to whoever asks (another
    site cannot read it), and a token would need a session, so a cookie, on every public result page."""

    class Meta:
        csrf = False

    email = EmailField(
        _l("Candidate’s email address"),
        validators=[DataRequired(_l("Enter the email address to check")), Length(max=254)],
    )
