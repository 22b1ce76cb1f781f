from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, RadioField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from app.accreditation.models import CPD_KIND_LABELS, CpdKind
from app.accreditation.sharing import SHARE_DAYS


class ApproveForm(FlaskForm):
    note = TextAreaField(_l("Note for the record (optional)"), validators=[Optional(), Length(max=2000)])
    confirm = BooleanField(
        _l("I have checked the evidence above and approve this award"),
        validators=[InputRequired(_l("Confirm that you have checked the evidence"))],
    )


class ReasonForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason"),
        validators=[
            DataRequired(_l("Give the reason: anyone who checks the credential will see it")),
            Length(5, 500),
        ],
    )


class RevokeForm(ReasonForm):
    confirm = BooleanField(
        _l("I understand revoking cannot be undone"),
        validators=[InputRequired(_l("Confirm that you mean to revoke"))],
    )


class ReinstateForm(FlaskForm):
    note = TextAreaField(_l("Note for the record (optional)"), validators=[Optional(), Length(max=500)])


class RenewForm(FlaskForm):
    supervisor_endorsed = BooleanField(_l("I have seen the holder's supervisor's endorsement"))


class DeclarationsForm(FlaskForm):
    declarations = SelectMultipleField(
        _l("Declarations"), choices=[], option_widget=CheckboxInput(), widget=ListWidget(prefix_label=False)
    )


class CpdForm(FlaskForm):
    kind = RadioField(
        _l("What kind of activity was it?"),
        choices=[SelectChoice(k.value, _l(CPD_KIND_LABELS[k.value])) for k in CpdKind],
        validators=[InputRequired(_l("Choose what kind of activity this was"))],
    )
    title = StringField(
        _l("What was it? (no names or details of anyone you support)"),
        validators=[DataRequired(_l("Say in a few words what the activity was")), Length(3, 200)],
    )
    completed_on = DateField(
        _l("Date completed"), validators=[InputRequired(_l("Enter the date you completed it"))]
    )
    hours = StringField(_l("Hours"), validators=[DataRequired(_l("Give the hours, like 1.5"))])
    law_and_policy = BooleanField(_l("This was about law and policy (counts towards the yearly 6 hours)"))


class NameChangeForm(FlaskForm):
    new_name = StringField(
        _l("Your name as it should appear"),
        validators=[DataRequired(_l("Enter your name as it should appear")), Length(2, 200)],
    )
    reason = TextAreaField(
        _l("Why the name should change"),
        validators=[DataRequired(_l("Say briefly why the name should change")), Length(3, 1000)],
    )


class PublicPageForm(FlaskForm):
    public = RadioField(
        _l("Who can look your credential up by its code?"),
        choices=[
            SelectChoice("on", _l("Anyone with the code: the page shows your name")),
            SelectChoice("off", _l("Nobody: the page says your record is private")),
        ],
        validators=[InputRequired(_l("Choose who can look your credential up"))],
    )


class ShareLinkForm(FlaskForm):
    days = RadioField(
        _l("How long should the link work?"),
        # Every choice is plural in English; Welsh counts with the singular noun ("30 diwrnod").
        choices=[SelectChoice(str(days), _l("%(days)s days", days=days)) for days in SHARE_DAYS],
        validators=[InputRequired(_l("Choose how long the link should work"))],
    )


class NameDecisionForm(FlaskForm):
    decision = RadioField(
        _l("Decision"),
        choices=[
            SelectChoice("approve", _l("Approve: re-issue the credential under the new name")),
            SelectChoice("refuse", _l("Refuse")),
        ],
        validators=[InputRequired(_l("Choose approve or refuse"))],
    )
    note = TextAreaField(
        _l("Note for the holder (needed if you refuse)"), validators=[Optional(), Length(max=1000)]
    )
