from flask_babel import lazy_gettext as _l
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

REASON_REQUIRED = _l("Give a reason (it is kept in the trainee's history)")


class CohortForm(FlaskForm):
    name = StringField(
        _l("Cohort name"), validators=[DataRequired(_l("Enter a name for the cohort")), Length(max=120)]
    )
    curriculum_version = SelectField(
        _l("Curriculum version"), validators=[DataRequired(_l("Choose a curriculum version"))]
    )
    starts_on = DateField(_l("Start date"), validators=[DataRequired(_l("Enter a real start date"))])
    ends_on = DateField(_l("End date"), validators=[DataRequired(_l("Enter a real end date"))])
    trainers = SelectMultipleField(_l("Trainers"), choices=[])
    lead_trainer = SelectField(_l("Lead trainer (optional)"), choices=[], default="")
    anonymous_marking = BooleanField(
        _l("Mark anonymously: markers see candidate numbers, not names, until release"), default=True
    )
    allocation = RadioField(
        _l("How written work reaches a marker"),
        choices=[SelectChoice(value, _l(label)) for value, label in ALLOCATIONS.items()],
        default="round_robin",
        validators=[DataRequired(_l("Choose how work is allocated to markers"))],
    )


class StaffForm(FlaskForm):
    trainers = SelectMultipleField(_l("Trainers"), choices=[])
    lead_trainer = SelectField(_l("Lead trainer (optional)"), choices=[], default="")


class InviteTraineeForm(InvitePersonForm):
    organisation = SelectField(
        _l("Host organisation"), validators=[DataRequired(_l("Choose the host organisation"))]
    )
    confirm_existing = BooleanField(_l("Yes, enrol this existing person in this cohort too"))
    # Asked of the trainee again when they accept; until then their invitation is written in this.
    language = RadioField(
        _l("Language for their emails"),
        choices=[SelectChoice(tag, name) for tag, name in LANGUAGES.items()],
        default=ENGLISH,
        validate_choice=False,  # a form sent without it (an older page) invites in English
    )


class ContactNoteForm(FlaskForm):
    contacted_on = DateField(
        _l("Date of contact"), validators=[DataRequired(_l("Enter the date you were in touch"))]
    )
    agreed = TextAreaField(
        _l("What was agreed"),
        validators=[
            DataRequired(_l("Say what was agreed")),
            Length(max=2000, message=_l("Keep it to 2,000 characters")),
        ],
    )


class StatusForm(FlaskForm):
    move = RadioField(
        _l("What do you want to do?"),
        choices=[
            SelectChoice("defer", _l("Defer: pause their place, to resume later")),
            SelectChoice("withdraw", _l("Withdraw: end their place")),
            SelectChoice("resume", _l("Resume: make their place active again")),
        ],
        validators=[DataRequired(_l("Choose what to do"))],
    )
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(REASON_REQUIRED), Length(max=1000)])


class TransferForm(FlaskForm):
    cohort = SelectField(
        _l("Move to cohort"), validators=[DataRequired(_l("Choose the cohort to move them to"))]
    )
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(REASON_REQUIRED), Length(max=1000)])


class ImportForm(FlaskForm):
    upload = FileField(_l("CSV file"))
    rows = TextAreaField(_l("Or paste or edit the rows here"))
