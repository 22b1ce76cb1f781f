from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Optional

KIND_LABELS = {
    "direct_practice": "Direct advocacy practice",
    "supervision": "Supervision session",
    "observation": "Direct observation",
    "reflective_account": "Reflective account",
    "advocacy_document": "Anonymised advocacy document",
    "employer_attestation": "Employer attestation",
    "professional_discussion": "Structured professional discussion",
    "case": "Case followed",
    "transition": "Case through a major transition",
}


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind.replace("_", " ").capitalize())


class EvidenceForm(FlaskForm):
    kind = SelectField("Kind of evidence", validators=[DataRequired("Choose the kind of evidence")])
    occurred_on = DateField("Date of the work", validators=[DataRequired("Enter the date of the work")])
    hours = StringField("Hours", validators=[Optional()])
    description = TextAreaField("Description", validators=[DataRequired("Describe the work")])
