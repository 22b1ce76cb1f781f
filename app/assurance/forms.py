"""The forms of the assurance pages. Each only carries what was typed: the services decide, and their
refusals name the field to fix."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, RadioField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from app.assurance.models import Judgement
from app.assurance.services import comment_field
from app.i18n import gettext as _


class AppointForm(FlaskForm):
    examiner = SelectField(_l("External examiner"), choices=[], validate_choice=False)


class AddToSampleForm(FlaskForm):
    piece = SelectField(_l("Candidate's piece to add"), choices=[], validate_choice=False)


class ResponseForm(FlaskForm):
    response = TextAreaField(_l("The Hub's response"), validators=[Optional(), Length(max=10_000)])


class BoardForm(FlaskForm):
    met_on = DateField(_l("Date the board met"), validators=[Optional()])
    attendees = TextAreaField(_l("Who attended"), validators=[Optional(), Length(max=5_000)])
    changes = TextAreaField(
        _l("Changes the board made (optional)"), validators=[Optional(), Length(max=10_000)]
    )
    confirm = BooleanField(
        _l("The board has considered the examiner's report and ratifies the results listed"),
        validators=[InputRequired(_l("Confirm the board's decision"))],
    )


def report_form(modules, formdata=None):
    """The report form for a cohort: one comment per module with written work, then the judgement."""

    class ReportForm(FlaskForm):
        judgement = RadioField(
            _l("Overall judgement"),
            choices=[SelectChoice(j.value, _(j.label)) for j in Judgement],
            validate_choice=False,
            validators=[Optional()],
        )
        overall = TextAreaField(
            _l("Overall comments (optional)"), validators=[Optional(), Length(max=20_000)]
        )

    for module in modules:
        setattr(
            ReportForm,
            comment_field(module),
            TextAreaField(
                _("Comments on %(module)s: %(title)s", module=module.code, title=module.title),
                validators=[Optional(), Length(max=20_000)],
            ),
        )
    return ReportForm(formdata=formdata) if formdata is not None else ReportForm()
