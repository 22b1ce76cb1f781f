from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from app.marking.models import AppealGround, CaseKind, CaseOutcome, Penalty


class ExtensionForm(FlaskForm):
    enrolment = SelectField("Trainee", validators=[DataRequired("Choose the trainee")])
    assignment = SelectField("Assignment", validators=[DataRequired("Choose the assignment")])
    due_on = DateField("New due date", validators=[DataRequired("Enter the new due date")])
    reason = TextAreaField(
        "Reason", validators=[DataRequired("Give the reason for the extension"), Length(max=1000)]
    )


class ConsiderationForm(FlaskForm):
    """The trainee's request; the service checks every field, so a refusal lands on its own field."""

    assessment = SelectField("Which assessment is this about?")
    occurred_on = StringField("When did it happen?")
    statement = TextAreaField("What happened")
    evidence = FileField("Evidence (optional)")


class ConsiderationDecisionForm(FlaskForm):
    decision = RadioField(
        "Decision",
        choices=[SelectChoice("grant", "Grant the request"), SelectChoice("refuse", "Do not grant it")],
    )
    outcome = RadioField("What the decision does", choices=[])
    due_on = StringField("New due date (for an extension)")
    board_note = TextAreaField("Note for the awarding board")
    reasons = TextAreaField("Reasons for the decision")


class AppealForm(FlaskForm):
    """Asking for a review of a released mark. The service checks everything; the form carries it."""

    grounds = RadioField(
        "Why are you asking for a review?",
        choices=[SelectChoice(g.value, g.label) for g in AppealGround],
        validate_choice=False,
    )
    statement = TextAreaField("What should the reviewer look at, and why?")


class ReviewerForm(FlaskForm):
    reviewer = SelectField("Reviewer", validate_choice=False)


class ReviewDecisionForm(FlaskForm):
    outcome = RadioField(
        "Outcome of the review",
        choices=[
            SelectChoice("upheld", "Upheld: the mark changes (give the new marks below)"),
            SelectChoice("not_upheld", "Not upheld: the mark stands"),
            SelectChoice("referred", "Referred to the awarding board"),
        ],
        validate_choice=False,
    )
    reasons = TextAreaField("Reasons for the outcome")
    feedback = TextAreaField("Overall feedback with the new mark")


class IntegrityCaseForm(FlaskForm):
    """Read for its values only: the service decides what is missing (one refusal path)."""

    kind = RadioField("What is the concern?", choices=[SelectChoice(k.value, k.label) for k in CaseKind])
    statement = TextAreaField("What it is based on")


class CaseDecisionForm(FlaskForm):
    outcome = RadioField("Outcome", choices=[SelectChoice(o.value, o.label) for o in CaseOutcome])
    penalty = RadioField("Penalty, if upheld", choices=[SelectChoice(p.value, p.label) for p in Penalty])
    reasons = TextAreaField("Reasons for the outcome")


class ResponseForm(FlaskForm):
    response = TextAreaField("Your response")
