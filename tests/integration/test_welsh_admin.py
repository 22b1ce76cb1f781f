"""Welsh for the Hub's own pages (people, invitations, outbox, audit trail, host organisations, the
navigation) and for the `imsa` command under --lang cy / IMSA_LANG=cy; English stays the default."""

from __future__ import annotations

import pytest

from app.audit.services import record
from app.auth.models import Role
from app.cli import main
from app.database import db
from app.mail.models import OutboxMessage
from tests.conftest import post_form, prefer_welsh, sign_in, welsh_page
from tests.factories import make_organisation, make_user


@pytest.fixture
def welsh_admin(app):
    admin = make_user(Role.HUB_ADMIN, name="Gwen Fictional-Hub")
    return prefer_welsh(admin)


def test_a_welsh_preferring_hub_admin_sees_the_people_pages_in_welsh(client, welsh_admin):
    make_user(Role.TRAINER, name="Tomos Fictional-Trainer", active=False)
    sign_in(client, welsh_admin)
    page = welsh_page(client, "/people")
    assert '<h1 class="govuk-heading-l">Pobl</h1>' in page
    assert "Gwahodd aelod o staff" in page and "Gweinyddwr yr Hyb" in page and "Hyfforddwr" in page
    assert "Gwahoddiad wedi’i anfon" in page and "Trywydd archwilio" in page  # the navigation too
    assert "Tomos Fictional-Trainer" in page  # names are never translated
    form = welsh_page(client, "/people/invite")
    assert "Enw llawn" in form and "Sefydliad (ar gyfer rheolwyr sefydliadau)" in form
    refused = post_form(client, "/people/invite", {"name": "", "email": "x@example.org"})
    assert "Rhowch enw’r person" in refused.get_data(as_text=True)


def test_the_outbox_and_audit_trail_are_in_welsh_and_the_csv_stays_english(client, welsh_admin):
    db.session.add(
        OutboxMessage(
            recipient="kim@example.org",
            subject="Your result",
            body="(Delivered by SMTP; the text is not kept.)",
            delivered_by="smtp",
            status="failed",
            attempts=6,
            last_error="SMTPDataError: (451, b'Mailbox busy')",
        )
    )
    record(None, "organisation.created", make_organisation(), name="Example")
    db.session.commit()
    sign_in(client, welsh_admin)
    outbox = welsh_page(client, "/outbox/")
    assert "Blwch allan" in outbox and "Wedi methu" in outbox and "6 ymgais" in outbox
    assert "Anfon eto" in outbox and "(Wedi’i anfon drwy SMTP; nid yw’r testun yn cael ei gadw.)" in outbox
    audit = welsh_page(client, "/audit")
    assert "Trywydd archwilio" in audit and "Llinell orchymyn" in audit and "Lawrlwytho fel CSV" in audit
    assert "<code>organisation.created</code>" in audit  # actions are codes, the same in every language
    assert "Rhowch ddyddiad go iawn" in welsh_page(client, "/audit?date_from=2026-02-30")
    csv_text = client.get("/audit?format=csv").get_data(as_text=True)
    assert "Command line" in csv_text and "Llinell orchymyn" not in csv_text


def test_host_organisations_are_added_and_listed_in_welsh(client, welsh_admin):
    sign_in(client, welsh_admin)
    assert "Dim sefydliadau cynnal eto" in welsh_page(client, "/organisations/")
    form = welsh_page(client, "/organisations/new")
    assert "Math o sefydliad" in form and "Awdurdod lleol" in form and "Gogledd Iwerddon" in form
    data = {"name": "Example Welsh Host", "kind": "local_authority", "nation": "wales"}
    added = post_form(client, "/organisations/new", data, follow_redirects=True)
    page = added.get_data(as_text=True)
    assert "Mae Example Welsh Host wedi’i ychwanegu." in page and "Cymru" in page
    again = post_form(client, "/organisations/new", data).get_data(as_text=True)
    assert "Mae sefydliad o’r enw Example Welsh Host yn bodoli’n barod" in again


def test_a_person_with_no_cohort_is_welcomed_in_welsh(client):
    person = make_user(Role.TRAINEE, name="Siân Fictional")
    sign_in(client, prefer_welsh(person))
    page = welsh_page(client, "/")
    assert "Croeso, Siân Fictional" in page and "Nid ydych wedi’ch cofrestru mewn carfan eto" in page


def test_the_command_writes_in_welsh_with_lang_cy_or_imsa_lang(app):
    runner = app.test_cli_runner()
    assert runner.invoke(main, ["jobs", "status"]).output == "waiting: 0\n"  # English by default
    assert runner.invoke(main, ["--lang", "cy", "jobs", "status"]).output == "yn aros: 0\n"
    invited = runner.invoke(
        main,
        ["user", "invite", "ffion@example.org", "Ffion", "--role", "trainer", "--language", "cy"],
        env={"IMSA_LANG": "cy"},
    )
    assert invited.exit_code == 0, invited.output
    assert "gwahoddwyd ffion@example.org; mae’r e-bost yn y blwch allan:" in invited.output
    assert "I dderbyn, agorwch y ddolen hon a dewiswch gyfrinair:" in invited.output  # her email, in Welsh
    missing = runner.invoke(main, ["--lang", "cy", "credential", "export", "NOPE"])
    assert missing.exit_code == 1 and "gwall: dim tystlythyr â’r cod 'NOPE'" in missing.output
    helped = runner.invoke(main, ["--lang", "cy", "cohort", "create", "--help"]).output
    assert "Dyddiad dechrau, BBBB-MM-DD." in helped and "E-bost hyfforddwr (ailadroddwch am fwy)." in helped
    assert "Start date, YYYY-MM-DD." in runner.invoke(main, ["cohort", "create", "--help"]).output
    refused = runner.invoke(main, ["--lang", "fr", "jobs", "status"])
    assert refused.exit_code == 2 and "en-GB, cy" in refused.output


def test_the_welsh_command_leaves_machine_output_alone(app):
    runner = app.test_cli_runner()
    english = runner.invoke(main, ["cohort", "report", "--format", "csv"]).output
    assert runner.invoke(main, ["--lang", "cy", "cohort", "report", "--format", "csv"]).output == english


def test_a_backup_refusal_is_in_the_command_s_language_and_names_its_field(app, tmp_path):
    """`imsa --lang cy backup …` is refused in Welsh; the field it names is the same in every language."""
    from flask_babel import force_locale

    from app import backup

    with force_locale("cy"), pytest.raises(backup.BackupRefused) as refused:
        backup.create(tmp_path / "imsa.tar", "short")
    assert refused.value.field == "passphrase"
    assert "cyfrinymadrodd" in str(refused.value) and "12" in str(refused.value)
    with pytest.raises(backup.BackupRefused) as english:
        backup.create(tmp_path / "imsa.tar", "short")
    assert "passphrase must be at least" in str(english.value)
