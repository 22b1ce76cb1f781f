from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from app.marking.models import AppealGround, CaseKind, CaseOutcome, Penalty

# Choices named by an enum's label are callables, so each form shows them in the page's language.


class ExtensionForm(FlaskForm):
    enrolment = SelectField(_l("Trainee"), validators=[DataRequired(_l("Choose the trainee"))])
    assignment = SelectField(_l("Assignment"), validators=[DataRequired(_l("Choose the assignment"))])
    due_on = DateField(_l("New due date"), validators=[DataRequired(_l("Enter the new due date"))])
    reason = TextAreaField(
        _l("Reason"),
        validators=[DataRequired(_l("Give the reason for the extension")), Length(max=1000)],
    )


class ConsiderationForm(FlaskForm):
    """The trainee's request; the service checks every field, so a refusal lands on its own field."""

    assessment = SelectField(_l("Which assessment is this about?"))
    occurred_on = StringField(_l("When did it happen?"))
    statement = TextAreaField(_l("What happened"))
    evidence = FileField(_l("Evidence (optional)"))


class ConsiderationDecisionForm(FlaskForm):
    decision = RadioField(
        _l("Decision"),
        choices=[
            SelectChoice("grant", _l("Grant the request")),
            SelectChoice("refuse", _l("Do not grant it")),
        ],
    )
    outcome = RadioField(_l("What the decision does"), choices=[])
    due_on = StringField(_l("New due date (for an extension)"))
    board_note = TextAreaField(_l("Note for the awarding board"))
    reasons = TextAreaField(_l("Reasons for the decision"))


class AppealForm(FlaskForm):
    """Asking for a review of a released mark. The service checks everything; the form carries it."""

    grounds = RadioField(
        _l("Why are you asking for a review?"),
        choices=lambda: [SelectChoice(g.value, g.label) for g in AppealGround],
        validate_choice=False,
    )
    statement = TextAreaField(_l("What should the reviewer look at, and why?"))


class ReviewerForm(FlaskForm):
    reviewer = SelectField(_l("Reviewer"), validate_choice=False)


class ReviewDecisionForm(FlaskForm):
    outcome = RadioField(
        _l("Outcome of the review"),
        choices=[
            SelectChoice("upheld", _l("Upheld: the mark changes (give the new marks below)")),
            SelectChoice("not_upheld", _l("Not upheld: the mark stands")),
            SelectChoice("referred", _l("Referred to the awarding board")),
        ],
        validate_choice=False,
    )
    reasons = TextAreaField(_l("Reasons for the outcome"))
    feedback = TextAreaField(_l("Overall feedback with the new mark"))


class IntegrityCaseForm(FlaskForm):
    """Read for its values only: the service decides what is missing (one refusal path)."""

    kind = RadioField(
        _l("What is the concern?"), choices=lambda: [SelectChoice(k.value, k.label) for k in CaseKind]
    )
    statement = TextAreaField(_l("What it is based on"))


class CaseDecisionForm(FlaskForm):
    outcome = RadioField(_l("Outcome"), choices=lambda: [SelectChoice(o.value, o.label) for o in CaseOutcome])
    penalty = RadioField(
        _l("Penalty, if upheld"), choices=lambda: [SelectChoice(p.value, p.label) for p in Penalty]
    )
    reasons = TextAreaField(_l("Reasons for the outcome"))


class ResponseForm(FlaskForm):
    response = TextAreaField(_l("Your response"))
