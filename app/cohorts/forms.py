from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length

from app.auth.forms import InvitePersonForm


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


class InviteTraineeForm(InvitePersonForm):
    organisation = SelectField("Host organisation", validators=[DataRequired("Choose the host organisation")])
