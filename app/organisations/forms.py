from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from app.organisations.models import Nation, OrganisationKind


class OrganisationForm(FlaskForm):
    name = StringField(
        _l("Organisation name"),
        validators=[
            DataRequired(_l("Enter the organisation's name")),
            Length(max=200, message=_l("The name must be 200 characters or fewer")),
        ],
    )
    kind = RadioField(
        _l("Kind of organisation"),
        choices=[SelectChoice(k.value, _l(k.label)) for k in OrganisationKind],
        validators=[DataRequired(_l("Choose the kind of organisation"))],
    )
    nation = RadioField(
        _l("Nation"),
        choices=[SelectChoice(n.value, _l(n.label)) for n in Nation],
        validators=[DataRequired(_l("Choose the nation the organisation works in"))],
    )
    region = StringField(
        _l("Region (optional)"),
        validators=[Optional(), Length(max=120, message=_l("The region must be 120 characters or fewer"))],
    )
