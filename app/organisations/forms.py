from flask_wtf import FlaskForm
from wtforms import RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from app.organisations.models import Nation, OrganisationKind


class OrganisationForm(FlaskForm):
    name = StringField(
        "Organisation name", validators=[DataRequired("Enter the organisation's name"), Length(max=200)]
    )
    kind = RadioField(
        "Kind of organisation",
        choices=[SelectChoice(k.value, k.label) for k in OrganisationKind],
        validators=[DataRequired("Choose the kind of organisation")],
    )
    nation = RadioField(
        "Nation",
        choices=[SelectChoice(n.value, n.label) for n in Nation],
        validators=[DataRequired("Choose the nation the organisation works in")],
    )
    region = StringField("Region (optional)", validators=[Optional(), Length(max=120)])
