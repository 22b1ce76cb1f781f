from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length

from app.marking.models import CaseKind, CaseOutcome, Penalty


class ExtensionForm(FlaskForm):
    enrolment = SelectField("Trainee", validators=[DataRequired("Choose the trainee")])
    assignment = SelectField("Assignment", validators=[DataRequired("Choose the assignment")])
    due_on = DateField("New due date", validators=[DataRequired("Enter the new due date")])
    reason = TextAreaField(
        "Reason", validators=[DataRequired("Give the reason for the extension"), Length(max=1000)]
    )


class IntegrityCaseForm(FlaskForm):
    """Read for its values only: the service decides what is missing (one refusal path)."""

    kind = RadioField("What is the concern?", choices=[(k.value, k.label) for k in CaseKind])
    statement = TextAreaField("What it is based on")


class DecisionForm(FlaskForm):
    outcome = RadioField("Outcome", choices=[(o.value, o.label) for o in CaseOutcome])
    penalty = RadioField("Penalty, if upheld", choices=[(p.value, p.label) for p in Penalty])
    reasons = TextAreaField("Reasons for the outcome")


class ResponseForm(FlaskForm):
    response = TextAreaField("Your response")
