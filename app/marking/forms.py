from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length


class ExtensionForm(FlaskForm):
    enrolment = SelectField("Trainee", validators=[DataRequired("Choose the trainee")])
    assignment = SelectField("Assignment", validators=[DataRequired("Choose the assignment")])
    due_on = DateField("New due date", validators=[DataRequired("Enter the new due date")])
    reason = TextAreaField(
        "Reason", validators=[DataRequired("Give the reason for the extension"), Length(max=1000)]
    )
