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


class NameChangeForm(FlaskForm):
    new_name = StringField(
        "Your name as it should appear",
        validators=[DataRequired("Enter your name as it should appear"), Length(2, 200)],
    )
    reason = TextAreaField(
        "Why the name should change",
        validators=[DataRequired("Say briefly why the name should change"), Length(3, 1000)],
    )


class PublicPageForm(FlaskForm):
    public = RadioField(
        "Who can look your credential up by its code?",
        choices=[
            SelectChoice("on", "Anyone with the code: the page shows your name"),
            SelectChoice("off", "Nobody: the page says your record is private"),
        ],
        validators=[InputRequired("Choose who can look your credential up")],
    )


class ShareLinkForm(FlaskForm):
    days = RadioField(
        "How long should the link work?",
        choices=[SelectChoice(str(days), f"{days} days") for days in (7, 30, 90)],
        validators=[InputRequired("Choose how long the link should work")],
    )


class NameDecisionForm(FlaskForm):
    decision = RadioField(
        "Decision",
        choices=[
            SelectChoice("approve", "Approve: re-issue the credential under the new name"),
            SelectChoice("refuse", "Refuse"),
        ],
        validators=[InputRequired("Choose approve or refuse")],
    )
    note = TextAreaField(
        "Note for the holder (needed if you refuse)", validators=[Optional(), Length(max=1000)]
    )
