from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from app.auth.forms import InvitePersonForm
from app.cohorts.services import ALLOCATIONS
from app.i18n import ENGLISH, LANGUAGES


class CohortForm(FlaskForm):
    name = StringField(
        "Cohort name", validators=[DataRequired("Enter a name for the cohort"), Length(max=120)]
    )
    curriculum_version = SelectField(
        "Curriculum version", validators=[DataRequired("Choose a curriculum version")]
    )
    starts_on = DateField("Start date", validators=[DataRequired("Enter a real start date")])
    ends_on = DateField("End date", validators=[DataRequired("Enter a real end date")])
    trainers = SelectMultipleField("Trainers", choices=[])
    lead_trainer = SelectField("Lead trainer (optional)", choices=[], default="")
    anonymous_marking = BooleanField(
        "Mark anonymously: markers see candidate numbers, not names, until release", default=True
    )
    allocation = RadioField(
        "How written work reaches a marker",
        choices=[SelectChoice(value, label) for value, label in ALLOCATIONS.items()],
        default="round_robin",
        validators=[DataRequired("Choose how work is allocated to markers")],
    )


class StaffForm(FlaskForm):
    trainers = SelectMultipleField("Trainers", choices=[])
    lead_trainer = SelectField("Lead trainer (optional)", choices=[], default="")


class InviteTraineeForm(InvitePersonForm):
    organisation = SelectField("Host organisation", validators=[DataRequired("Choose the host organisation")])
    confirm_existing = BooleanField("Yes, enrol this existing person in this cohort too")
    # Asked of the trainee again when they accept; until then their invitation is written in this.
    language = RadioField(
        "Language for their emails",
        choices=[SelectChoice(tag, name) for tag, name in LANGUAGES.items()],
        default=ENGLISH,
        validate_choice=False,  # a form sent without it (an older page) invites in English
    )


class ContactNoteForm(FlaskForm):
    contacted_on = DateField("Date of contact", validators=[DataRequired("Enter the date you were in touch")])
    agreed = TextAreaField(
        "What was agreed",
        validators=[
            DataRequired("Say what was agreed"),
            Length(max=2000, message="Keep it to 2,000 characters"),
        ],
    )


class StatusForm(FlaskForm):
    move = RadioField(
        "What do you want to do?",
        choices=[
            SelectChoice("defer", "Defer: pause their place, to resume later"),
            SelectChoice("withdraw", "Withdraw: end their place"),
            SelectChoice("resume", "Resume: make their place active again"),
        ],
        validators=[DataRequired("Choose what to do")],
    )
    reason = TextAreaField(
        "Reason",
        validators=[DataRequired("Give a reason (it is kept in the trainee's history)"), Length(max=1000)],
    )


class TransferForm(FlaskForm):
    cohort = SelectField("Move to cohort", validators=[DataRequired("Choose the cohort to move them to")])
    reason = TextAreaField(
        "Reason",
        validators=[DataRequired("Give a reason (it is kept in the trainee's history)"), Length(max=1000)],
    )


class ImportForm(FlaskForm):
    upload = FileField("CSV file")
    rows = TextAreaField("Or paste or edit the rows here")
