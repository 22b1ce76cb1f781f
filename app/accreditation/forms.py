from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, RadioField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from app.accreditation.models import CpdKind


class ApproveForm(FlaskForm):
    note = TextAreaField("Note for the record (optional)", validators=[Optional(), Length(max=2000)])
    confirm = BooleanField(
        "I have checked the evidence above and approve this award",
        validators=[InputRequired("Confirm that you have checked the evidence")],
    )


class ReasonForm(FlaskForm):
    reason = TextAreaField(
        "Reason",
        validators=[
            DataRequired("Give the reason: anyone who checks the credential will see it"),
            Length(5, 500),
        ],
    )


class RevokeForm(ReasonForm):
    confirm = BooleanField(
        "I understand revoking cannot be undone",
        validators=[InputRequired("Confirm that you mean to revoke")],
    )


class ReinstateForm(FlaskForm):
    note = TextAreaField("Note for the record (optional)", validators=[Optional(), Length(max=500)])


class RenewForm(FlaskForm):
    supervisor_endorsed = BooleanField("I have seen the holder's supervisor's endorsement")


class DeclarationsForm(FlaskForm):
    declarations = SelectMultipleField(
        "Declarations", choices=[], option_widget=CheckboxInput(), widget=ListWidget(prefix_label=False)
    )


class CpdForm(FlaskForm):
    kind = RadioField(
        "What kind of activity was it?",
        choices=[SelectChoice(k.value, k.label) for k in CpdKind],
        validators=[InputRequired("Choose what kind of activity this was")],
    )
    title = StringField(
        "What was it? (no names or details of anyone you support)",
        validators=[DataRequired("Say in a few words what the activity was"), Length(3, 200)],
    )
    completed_on = DateField("Date completed", validators=[InputRequired("Enter the date you completed it")])
    hours = StringField("Hours", validators=[DataRequired("Give the hours, like 1.5")])
    law_and_policy = BooleanField("This was about law and policy (counts towards the yearly 6 hours)")
