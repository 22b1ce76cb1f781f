from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Optional

from app.i18n import N_, gettext

KIND_LABELS = {
    "direct_practice": N_("Direct advocacy practice"),
    "supervision": N_("Supervision session"),
    "observation": N_("Direct observation"),
    "reflective_account": N_("Reflective account"),
    "advocacy_document": N_("Anonymised advocacy document"),
    "employer_attestation": N_("Employer attestation"),
    "professional_discussion": N_("Structured professional discussion"),
    "case": N_("Case followed"),
    "transition": N_("Case through a major transition"),
}


def kind_label(kind: str) -> str:
    """The kind of evidence in the page's language (a kind the curriculum names but this list does not
    know is shown as it is written)."""
    if kind in KIND_LABELS:
        return gettext(KIND_LABELS[kind])
    return kind.replace("_", " ").capitalize()


class EvidenceForm(FlaskForm):
    kind = SelectField(_l("Kind of evidence"), validators=[DataRequired(_l("Choose the kind of evidence"))])
    occurred_on = DateField(
        _l("Date of the work"), validators=[DataRequired(_l("Enter the date of the work"))]
    )
    hours = StringField(_l("Hours"), validators=[Optional()])
    description = TextAreaField(_l("Description"), validators=[DataRequired(_l("Describe the work"))])
