"""Hub reports: the figures, the split by organisation kind and nation, accessible SVG charts with data
tables, CSV of every table, an organisation manager's own-organisation scope, and bounded queries."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest

from app.auth.models import Role
from app.database import db
from app.learning.models import EvidenceStatus
from app.learning.models import SubmissionStatus as S
from app.organisations import services as organisations
from app.organisations.models import Nation, OrganisationKind
from app.reports import hub as reports
from tests.conftest import sign_in
from tests.factories import (
    add_evidence,
    add_lessons,
    add_piece,
    add_quiz_attempt,
    make_assessed_version,
    make_cohort,
    make_enrolment,
    make_organisation,
    make_user,
)
from tests.integration.test_progress import _bulk_trainees, count_queries


@pytest.fixture
def world(app, tmp_path):
    version = make_assessed_version(tmp_path)
    m1, m2 = version.modules
    cohort = make_cohort(version, name="Cohort R")
    ngo = make_organisation("Riverside Example Advocacy")
    council = organisations.create_organisation(
        "Example Borough Council", OrganisationKind.LOCAL_AUTHORITY, Nation.SCOTLAND, None, actor=None
    )
    db.session.commit()
    a = make_enrolment(cohort, make_user(Role.TRAINEE, name="Ari Example"), ngo)  # Wales (the org's)
    b = make_enrolment(cohort, make_user(Role.TRAINEE, name="Bo Example"), council)  # Scotland
    c = make_enrolment(cohort, make_user(Role.TRAINEE, name="Cy Example"), council)
    start = datetime(2026, 2, 2, 9, tzinfo=UTC)
    # Ari passes both modules; M01's piece was marked in 3 days and released after 10.
    add_lessons(a, m1, completed=2, when=start)
    add_quiz_attempt(a, m1.quiz, passed=True, when=start + timedelta(days=2))
    piece = add_piece(a, m1.assignment, S.RELEASED, band="merit", when=start + timedelta(days=4))
    piece.marked_at = piece.submitted_at + timedelta(days=3)
    piece.released_at = piece.submitted_at + timedelta(days=10)
    add_evidence(a, m1, "supervision", EvidenceStatus.VERIFIED)
    add_evidence(a, m1, "supervision", EvidenceStatus.VERIFIED)
    add_evidence(a, m1, "direct_practice", EvidenceStatus.VERIFIED, hours=10)
    add_lessons(a, m2, completed=2, when=start)
    add_lessons(b, m2, completed=2, when=start)  # Bo passes M02 only
    add_piece(c, m1.assignment, S.SUBMITTED)
    db.session.commit()
    manager = make_user(Role.ORG_MANAGER)
    manager.organisation_id = council.id
    db.session.commit()
    return dict(cohort=cohort, ngo=ngo, council=council, a=a, b=b, c=c, manager=manager)


def _rows(report, key):
    return {row[0]: row[1:] for row in report.table(key).rows}


def test_the_figures_across_cohorts(world, app):
    """Enrolments by nation and kind, module completion and pass rates, outcomes and turnaround."""
    data = reports.build(make_user(Role.HUB_ADMIN), datetime.now(UTC).date())
    assert data.trainees == 3
    assert _rows(data, "nation") == {"Scotland": [2, 0, 0, 0, 2], "Wales": [1, 0, 0, 0, 1]}
    assert _rows(data, "kind") == {"Local authority": [2, 0, 0, 0, 2], "NGO": [1, 0, 0, 0, 1]}
    modules = _rows(data, "modules")
    assert modules["M01"][:6] == ["Module 1", 3, 1, 33, 1, 33]
    assert modules["M02"][:6] == ["Module 2", 3, 2, 67, 2, 67]
    outcomes = _rows(data, "outcomes_kind")
    assert outcomes["Local authority"] == [2, 1, 25, 0, None]
    assert outcomes["NGO"][:4] == [1, 2, 100, 1] and outcomes["NGO"][4] >= 0  # days to complete, for Ari
    turnaround = _rows(data, "turnaround")["M01"]
    assert turnaround == [2, 1, 3.0, 100, 10.0]


def test_filters_split_by_kind_and_nation(world):
    """The kind and nation filters narrow every table."""
    hub = make_user(Role.HUB_ADMIN)
    today = datetime.now(UTC).date()
    councils = reports.build(hub, today, kind="local_authority")
    assert councils.trainees == 2 and set(_rows(councils, "nation")) == {"Scotland"}
    wales = reports.build(hub, today, nation="wales")
    assert wales.trainees == 1 and set(_rows(wales, "kind")) == {"NGO"}


def test_the_page_draws_accessible_svg_charts_beside_data_tables_with_csv_links(world, app):
    """Each chart is an SVG image with a title and description, next to the table of the same numbers,
    and every table downloads as CSV."""
    client = app.test_client()
    sign_in(client, make_user(Role.HUB_ADMIN))
    body = client.get("/reports/").get_data(as_text=True)
    assert body.count('<svg class="imsa-chart" role="img"') == 6
    assert 'aria-labelledby="chart-modules-title chart-modules-desc"' in body
    assert (
        '<title id="chart-modules-title">Completion and pass rates by module: Pass rate (%)</title>' in body
    )
    assert "M01: 33%; M02: 67%" in body
    for key in ("nation", "kind", "modules", "outcomes_nation", "outcomes_kind", "turnaround"):
        assert f"table={key}&amp;format=csv" in body or f"format=csv&amp;table={key}" in body
        response = client.get(f"/reports/?table={key}&format=csv")
        assert response.mimetype == "text/csv"
        assert next(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert client.get("/reports/?table=nope&format=csv").status_code == 404
    rows = list(
        csv.reader(io.StringIO(client.get("/reports/?table=modules&format=csv").get_data(as_text=True)))
    )
    assert rows[1][:7] == ["M01", "Module 1", "3", "1", "33", "1", "33"]


def test_an_organisation_manager_sees_only_their_own_organisations_trainees(world, app):
    """The same report, scoped to the manager's organisation, whatever filters are put in the URL."""
    client = app.test_client()
    sign_in(client, world["manager"])
    body = client.get("/reports/").get_data(as_text=True)
    assert "Example Borough Council" in body and "2 trainees in these figures" in body
    assert "Wales" not in body.split("Enrolments by nation")[1].split("</section>")[0]
    tampered = client.get(f"/reports/?kind=ngo&nation=wales&cohort={world['cohort'].public_id}")
    assert "0 trainees in these figures" in tampered.get_data(as_text=True)
    rows = list(
        csv.reader(io.StringIO(client.get("/reports/?table=nation&format=csv").get_data(as_text=True)))
    )
    assert rows[1:] == [["Scotland", "2", "0", "0", "0", "2"]]
    other = make_user(Role.ORG_MANAGER)  # a manager with no organisation sees nothing at all
    client = app.test_client()
    sign_in(client, other)
    assert "0 trainees in these figures" in client.get("/reports/").get_data(as_text=True)


# Bounded whatever the number of trainees; the due-process tables add five (cohorts, then one per process).
REPORT_QUERY_BOUND = 25


def test_the_report_takes_the_same_bounded_number_of_queries_at_10_and_1000_trainees(app, tmp_path):
    """Aggregate queries across cohorts, never one per trainee."""
    version = make_assessed_version(tmp_path)
    cohort = make_cohort(version)
    organisation = make_organisation()
    client = app.test_client()
    sign_in(client, make_user(Role.HUB_ADMIN))
    counts = []
    for start, size in ((0, 10), (10, 990)):
        _bulk_trainees(cohort, version, organisation, size, start)
        count, body = count_queries(client, "/reports/")
        counts.append(count)
    assert "1000 trainees in these figures" in body
    assert counts[0] == counts[1] <= REPORT_QUERY_BOUND, counts


def test_accreditations_issued_are_counted_by_nation_and_kind_within_scope(app, tmp_path):
    """Credentials count under their holder's nation and organisation kind, with their recorded state;
    an organisation manager's report counts only their own organisation's."""
    from app.accreditation import lifecycle as accreditation
    from tests.factories import make_accreditation_version, make_credential

    version = make_accreditation_version(tmp_path)
    council = organisations.create_organisation(
        "Example Borough Council", OrganisationKind.LOCAL_AUTHORITY, Nation.SCOTLAND, None, actor=None
    )
    db.session.commit()
    first = make_credential(tmp_path / "a", version=version)  # an NGO in Wales (the factory's default)
    second = make_credential(tmp_path / "b", version=version)
    second.enrolment.organisation_id, second.enrolment.nation = council.id, Nation.SCOTLAND
    accreditation.revoke(second, "Issued in error.", make_user(Role.HUB_ADMIN))
    db.session.commit()
    report = reports.build(None, datetime.now(UTC).date())
    assert _rows(report, "accreditations_nation") == {
        "Scotland": [1, 0, 0, 0, 1, 0],
        "Wales": [1, 0, 1, 0, 0, 0],
    }
    assert set(_rows(report, "accreditations_kind")) == {
        "Local authority",
        first.enrolment.organisation.kind.label,
    }
    manager = make_user(Role.ORG_MANAGER)
    manager.organisation_id = council.id
    db.session.commit()
    scoped = reports.build(manager, datetime.now(UTC).date())
    assert _rows(scoped, "accreditations_nation") == {"Scotland": [1, 0, 0, 0, 1, 0]}
