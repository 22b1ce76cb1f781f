"""The reports and curriculum pages in Welsh for a Welsh-preferring Hub admin or manager: the Hub report,
the progress matrix, an organisation's report, a trainee record and the curriculum pages. Their CSV files
stay in English (machines read them), and so does the curriculum's own text."""

from __future__ import annotations

import csv
import io
from datetime import date

from flask_babel import force_locale

from app.auth.models import Role
from app.marking.queue import TURNAROUND_WORKING_DAYS
from app.reports.wording import Phrase, shown
from tests.conftest import post_form, prefer_welsh, sign_in, welsh_page
from tests.factories import make_user
from tests.integration.test_legal_currency import _bank_with_overdue_questions
from tests.integration.test_reports import world  # noqa: F401 (the fixture)


def _welsh_client(app, user):
    client = app.test_client()
    sign_in(client, prefer_welsh(user))
    return client


def _csv(client, url: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(client.get(url).get_data(as_text=True))))


def test_the_hub_report_is_in_welsh_and_its_csv_files_stay_english(world, app):  # noqa: F811
    client = _welsh_client(app, make_user(Role.HUB_ADMIN))
    page = welsh_page(client, "/reports/")
    assert '<h1 class="govuk-heading-l">Adroddiadau</h1>' in page
    assert "3 hyfforddai yn y ffigurau hyn." in page
    assert "Cofrestriadau yn ôl gwlad" in page and "Cyfradd pasio (%)" in page
    assert "Lawrlwytho “Cyfraddau cwblhau a phasio yn ôl modiwl” fel CSV" in page
    assert ">Cymru</option>" in page and ">Awdurdod lleol</option>" in page
    assert "Mae’r un rhifau yn y tabl." in page  # the chart's description
    assert '<th scope="row" class="govuk-table__header">Yr Alban</th>' in page  # a nation's row
    assert "Yr Alban: 2; Cymru: 1." in page  # and its bars, described
    assert "Module 1" in page  # the curriculum's own titles stay English
    header = _csv(client, "/reports/?table=modules&format=csv")[0]
    assert header[:5] == ["Module", "Title", "Trainees", "Lessons all done", "Completion rate (%)"]
    turnaround = _csv(client, "/reports/?table=turnaround&format=csv")[0][4]
    assert turnaround == f"Marked within {TURNAROUND_WORKING_DAYS} working days (%)"


def test_the_progress_matrix_is_in_welsh_cells_and_all_and_its_csv_stays_english(world, app):  # noqa: F811
    client = _welsh_client(app, make_user(Role.HUB_ADMIN))
    cohort = world["cohort"]
    page = welsh_page(client, f"/cohorts/{cohort.public_id}/progress")
    assert '<h1 class="govuk-heading-l">Cynnydd</h1>' in page
    assert "Yn dangos 3 o 3 hyfforddai" in page and "Beth mae cyflyrau’r modiwlau’n ei olygu" in page
    assert 'imsa-cell--passed">Wedi llwyddo</td>' in page and 'imsa-cell--overdue">Yn hwyr</td>' in page
    assert ">Mae ganddynt fodiwl yn hwyr</option>" in page and ">Trefnu yn ôl</label>" in page
    rows = _csv(client, f"/cohorts/{cohort.public_id}/progress?format=csv")
    text = "\n".join(",".join(row) for row in rows)
    assert rows[0][0] == "name" and "Wales" in rows[1] and "Behind the cohort schedule" in text
    assert "Y tu ôl i amserlen y garfan" in page and "Cymru" not in text
    # English again for the next English reader: the cells are made once per language, not once for all.
    english = app.test_client()
    sign_in(english, make_user(Role.HUB_ADMIN))
    again = english.get(f"/cohorts/{cohort.public_id}/progress").get_data(as_text=True)
    assert 'imsa-cell--passed">Passed</td>' in again and "Wedi llwyddo" not in again


def test_an_organisations_report_is_in_welsh_for_its_manager(world, app):  # noqa: F811
    client = _welsh_client(app, world["manager"])
    page = welsh_page(client, "/organisations/mine")
    assert "Cynnydd hyfforddi eich IMSAs" in page and "Awdurdod lleol · Yr Alban" in page
    assert "Gwersi wedi’u cwblhau" in page and "Bo Example" in page
    hub = welsh_page(client, "/reports/")
    assert "Cynnydd hyfforddi’r IMSAs y mae eich sefydliad yn eu cyflogi." in hub


def test_a_trainee_record_and_its_contact_note_flash_are_in_welsh(world, app):  # noqa: F811
    client = _welsh_client(app, make_user(Role.HUB_ADMIN))
    ari = world["a"]
    page = welsh_page(client, f"/cohorts/trainees/{ari.public_id}")
    assert "Rhif ymgeisydd" in page and "Gwaith ysgrifenedig a marciau" in page
    assert "Llinell amser" in page and "Wedi cofrestru" in page  # a timeline step
    assert "2 o 2" in page  # modules passed
    response = post_form(
        client,
        f"/cohorts/trainees/{ari.public_id}/notes",
        {"contacted_on": "2026-05-29", "agreed": "Ari will start the portfolio next week."},
        follow_redirects=True,
    )
    body = response.get_data(as_text=True)
    assert "Mae’r nodyn cyswllt wedi’i gadw." in body and "29 Mai 2026" in body
    assert "Ari will start the portfolio next week." in body  # what was typed is never translated


def test_the_cohort_page_and_the_question_statistics_are_in_welsh(world, app):  # noqa: F811
    client = _welsh_client(app, make_user(Role.HUB_ADMIN))
    cohort = world["cohort"]
    page = welsh_page(client, f"/cohorts/{cohort.public_id}")
    assert "Cynnydd pob hyfforddai, fesul modiwl" in page and "Rhif ymgeisydd" in page
    index = welsh_page(client, "/reports/items/")
    assert "Ystadegau cwestiynau cwis" in index
    module = cohort.curriculum_version.modules[0]
    items = welsh_page(client, f"/reports/items/{cohort.curriculum_version.content_hash}/{module.slug}")
    assert "Ystadegau cwestiynau: cwis M01" in items and "Beth mae’r ffigurau’n ei olygu" in items


def test_the_curriculum_pages_are_in_welsh_and_the_curriculum_itself_is_not(world, app):  # noqa: F811
    client = _welsh_client(app, make_user(Role.HUB_ADMIN))
    page = welsh_page(client, "/curriculum/")
    assert "Fersiynau’r cwricwlwm" in page and "Cyhoeddwyd" in page and "Module 1" in page
    review = welsh_page(client, "/curriculum/review-due")
    assert "Cynnwys sy’n ddyledus am adolygiad cyfreithiol" in review
    assert "Cadw’n ôl gwestiynau cwis sy’n hwyr ers amser hir" in review


def test_the_legal_review_page_says_each_items_state_in_welsh_with_welsh_dates(client, tmp_path):
    _bank_with_overdue_questions(tmp_path)  # one question due for review on 28 February 2026
    admin = make_user(Role.HUB_ADMIN)
    sign_in(client, prefer_welsh(admin))
    page = welsh_page(client, "/curriculum/review-due")
    assert "Adolygiad yn hwyr: 1 eitem" in page and "Cwestiwn:" in page
    assert "yn ddyledus am adolygiad cyfreithiol ar 28 Chwefror 2026" in page
    assert "Gyda 90 diwrnod, byddai <strong>1 cwestiwn</strong>" in page


def test_a_risk_is_english_as_a_string_and_welsh_when_shown(app):
    """A risk names its days and date: the CSV file and comparisons read the English, the page the Welsh."""
    risk = Phrase("No activity for %(days)s days (last on %(date)s)", days=20, date=date(2026, 5, 18))
    assert risk == "No activity for 20 days (last on 18 May 2026)"
    with app.test_request_context(), force_locale("cy"):
        assert shown(risk) == "Dim gweithgarwch ers 20 diwrnod (y tro diwethaf ar 18 Mai 2026)"
        assert shown("Pass rate (%)") == "Cyfradd pasio (%)"
