from flask_wtf import FlaskForm
from wtforms import DateField, EmailField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Email, Length


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


class InviteTraineeForm(FlaskForm):
    name = StringField("Full name", validators=[DataRequired("Enter the trainee's name"), Length(max=120)])
    email = EmailField(
        "Email address",
        validators=[
            DataRequired("Enter the trainee's email address"),
            Email("Enter an email address in the correct format, like name@example.org"),
        ],
    )
    organisation = SelectField("Host organisation", validators=[DataRequired("Choose the host organisation")])
