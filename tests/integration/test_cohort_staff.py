"""Cohort staff after creation: the Hub adds and removes trainers and changes the lead, on a page and
with `imsa cohort staff`; each change is audited; a one-trainer cohort says what blocks release."""

from __future__ import annotations

import pytest

from app.audit.services import events_for
from app.auth.models import Role
from app.cohorts import services
from app.database import db
from tests.conftest import post_form, sign_in
from tests.factories import make_cohort, make_user, make_version


@pytest.fixture
def cohort(app, tmp_path):
    return make_cohort(make_version(tmp_path), [make_user(Role.TRAINER, name="Tara Fictional-One")])


def test_the_hub_adds_a_second_trainer_and_changes_the_lead(app, cohort):
    hub, second = make_user(Role.HUB_ADMIN), make_user(Role.TRAINER, name="Sam Fictional-Two")
    first = cohort.trainers[0]
    services.change_staff(cohort, [first, second], second, hub)
    db.session.commit()
    assert set(cohort.trainers) == {first, second} and cohort.lead_trainer == second
    event = events_for(cohort)[-1]
    assert event.action == "cohort.staff_changed"
    assert event.details["added"] == [second.public_id] and event.details["lead_trainer"] == second.public_id


def test_saving_the_same_staff_twice_records_one_change(app, cohort):
    hub, second = make_user(Role.HUB_ADMIN), make_user(Role.TRAINER)
    for _ in range(2):
        services.change_staff(cohort, [*cohort.trainers[:1], second], None, hub)
        db.session.commit()
    assert [e.action for e in events_for(cohort)].count("cohort.staff_changed") == 1


def test_a_lead_who_is_not_a_trainer_of_the_cohort_is_refused_on_its_field(app, cohort):
    with pytest.raises(services.CohortError) as refusal:
        services.change_staff(cohort, cohort.trainers, make_user(Role.TRAINER), make_user(Role.HUB_ADMIN))
    assert refusal.value.field == "lead_trainer"


def test_someone_without_the_trainer_role_cannot_train(app, cohort):
    with pytest.raises(services.CohortError) as refusal:
        services.change_staff(cohort, [make_user(Role.TRAINEE)], None, make_user(Role.HUB_ADMIN))
    assert refusal.value.field == "trainers"


def test_the_cohort_page_says_one_trainer_blocks_release_and_the_staff_page_fixes_it(client, cohort):
    hub, second = make_user(Role.HUB_ADMIN), make_user(Role.TRAINER, name="Sam Fictional-Two")
    db.session.commit()
    sign_in(client, hub)
    page = client.get(f"/cohorts/{cohort.public_id}").get_data(as_text=True)
    assert "Results cannot be released while this cohort has one trainer" in page
    assert f"/cohorts/{cohort.public_id}/staff" in page
    form = client.get(f"/cohorts/{cohort.public_id}/staff").get_data(as_text=True)
    assert "With one trainer, work sampled for second marking cannot be moderated" in form
    response = post_form(
        client,
        f"/cohorts/{cohort.public_id}/staff",
        {"trainers": [cohort.trainers[0].public_id, second.public_id], "lead_trainer": second.public_id},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert second in cohort.trainers and cohort.lead_trainer == second
    assert "Results cannot be released" not in client.get(f"/cohorts/{cohort.public_id}").get_data(
        as_text=True
    )


def test_the_staff_command_adds_removes_and_leads(app, cohort):
    second = make_user(Role.TRAINER, email="sam.two@example.org")
    first = cohort.trainers[0]
    db.session.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["cohort", "staff", cohort.name, "--add", second.email, "--lead", second.email]
    )
    assert result.exit_code == 0, result.output
    assert f"{second.email}\t" in result.output and "(lead)" in result.output
    result = runner.invoke(args=["cohort", "staff", cohort.name, "--remove", first.email])
    assert result.exit_code == 0 and first.email not in result.output
    assert "second marking needs at least two trainers" in result.output
    result = runner.invoke(args=["cohort", "staff", cohort.name, "--add", "nobody@example.org"])
    assert result.exit_code == 1 and "no one has the email nobody@example.org" in result.output


def test_the_demo_cohort_has_two_trainers_so_it_shows_moderation(app, tmp_path):
    """`imsa demo` on a published curriculum: two trainers, so its marked work can be moderated."""
    from app.accreditation.keys import keystore
    from app.cohorts.models import Cohort
    from app.demo import COHORT_NAME, create_demo_data
    from tests.factories import make_accreditation_version

    make_accreditation_version(tmp_path)
    keystore().init()
    create_demo_data()
    db.session.commit()
    cohort = db.session.scalar(db.select(Cohort).where(Cohort.name == COHORT_NAME))
    assert len(cohort.trainers) == 2 and cohort.lead_trainer.email == "trainer@example.org"


def test_the_cohort_form_refuses_a_cohort_without_a_trainer_on_its_field(client, tmp_path):
    version = make_version(tmp_path)
    sign_in(client, make_user(Role.HUB_ADMIN))
    fields = {"name": "No Trainers", "curriculum_version": version.content_hash, "allocation": "manual"}
    body = post_form(
        client, "/cohorts/new", {**fields, "starts_on": "2026-01-12", "ends_on": "2027-12-31"}
    ).get_data(as_text=True)
    assert "Choose at least one trainer to mark this cohort" in body and 'href="#trainers' in body
