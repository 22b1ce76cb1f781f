from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length

from app.marking.models import AppealGround


class ExtensionForm(FlaskForm):
    enrolment = SelectField("Trainee", validators=[DataRequired("Choose the trainee")])
    assignment = SelectField("Assignment", validators=[DataRequired("Choose the assignment")])
    due_on = DateField("New due date", validators=[DataRequired("Enter the new due date")])
    reason = TextAreaField(
        "Reason", validators=[DataRequired("Give the reason for the extension"), Length(max=1000)]
    )


class AppealForm(FlaskForm):
    """Asking for a review of a released mark. The service checks everything; the form carries it."""

    grounds = RadioField(
        "Why are you asking for a review?",
        choices=[(g.value, g.label) for g in AppealGround],
        validate_choice=False,
    )
    statement = TextAreaField("What should the reviewer look at, and why?")


class ReviewerForm(FlaskForm):
    reviewer = SelectField("Reviewer", validate_choice=False)


class DecisionForm(FlaskForm):
    outcome = RadioField(
        "Outcome of the review",
        choices=[
            ("upheld", "Upheld: the mark changes (give the new marks below)"),
            ("not_upheld", "Not upheld: the mark stands"),
            ("referred", "Referred to the awarding board"),
        ],
        validate_choice=False,
    )
    reasons = TextAreaField("Reasons for the outcome")
    feedback = TextAreaField("Overall feedback with the new mark")
