"""Cohorts and enrolments."""

from __future__ import annotations

import secrets
from datetime import date, timedelta

import sqlalchemy as sa

from app.audit.services import record
from app.auth import policy
from app.auth import services as auth
from app.auth.access import PermissionDenied, require_role
from app.auth.models import Role, User
from app.cohorts.models import Cohort, ContactNote, Enrolment, EnrolmentStatus, ModuleSchedule
from app.curriculum.models import CurriculumVersion
from app.database import db, utcnow
from app.i18n import N_
from app.i18n import gettext as _
from app.organisations.models import Nation, Organisation
from app.refusal import Refused


class CohortError(Refused):
    """A cohort or enrolment change that cannot be made; the message says why."""


# In English; pages translate a label where they show it.
ALLOCATIONS = {
    "round_robin": N_("Allocate each piece when it is submitted, to the trainer with the least marking"),
    "manual": N_("A Hub admin allocates each piece"),
}


def create_cohort(
    name: str,
    version: CurriculumVersion,
    starts_on: date,
    ends_on: date,
    trainers: list[User],
    actor,
    lead_trainer: User | None = None,
    anonymous_marking: bool = True,
    allocation: str = "manual",
    trainers_required: bool = False,
) -> Cohort:
    """Create a cohort with its default schedule. The Hub's form requires a trainer (``trainers_required``);
    scripts may add trainers later with ``change_staff``."""
    require_role(actor, Role.HUB_ADMIN)
    name = name.strip()
    if not version.is_published:
        raise CohortError(
            _("A cohort can only follow a published curriculum version"), field="curriculum_version"
        )
    if ends_on <= starts_on:
        raise CohortError(_("The end date must be after the start date"), field="ends_on")
    if db.session.scalar(db.select(Cohort).where(sa.func.lower(Cohort.name) == name.lower())):
        raise CohortError(_("A cohort called %(name)s already exists", name=name), field="name")
    if any(not t.has_role(Role.TRAINER) for t in trainers):
        raise CohortError(_("Only people with the trainer role can train a cohort"), field="trainers")
    if lead_trainer is not None and lead_trainer not in trainers:
        raise CohortError(_("The lead trainer must be one of the cohort's trainers"), field="lead_trainer")
    if allocation not in ALLOCATIONS:
        raise CohortError(_("Choose how work is allocated to markers"), field="allocation")
    if trainers_required and not trainers:
        raise CohortError(_("Choose at least one trainer to mark this cohort"), field="trainers")
    cohort = Cohort(
        name=name,
        curriculum_version=version,
        starts_on=starts_on,
        ends_on=ends_on,
        trainers=trainers,
        lead_trainer=lead_trainer,
        anonymous_marking=anonymous_marking,
        allocation=allocation,
    )
    db.session.add(cohort)
    for module_id, (opens_on, due) in default_schedule(cohort).items():
        db.session.add(ModuleSchedule(cohort=cohort, module_id=module_id, opens_on=opens_on, due_on=due))
    record(
        actor,
        "cohort.created",
        cohort,
        name=name,
        curriculum=version.content_hash,
        trainers=[t.public_id for t in trainers],
        lead_trainer=lead_trainer.public_id if lead_trainer else None,
        anonymous_marking=anonymous_marking,
        allocation=allocation,
    )
    return cohort


def change_staff(cohort: Cohort, trainers: list[User], lead_trainer: User | None, actor) -> Cohort:
    """Set a cohort's trainers and lead after creation (a Hub admin). Pieces allocated to a trainer who
    is removed stay allocated until a Hub admin allocates them again; the cohort page says so."""
    require_role(actor, Role.HUB_ADMIN)
    if any(not t.has_role(Role.TRAINER) for t in trainers):
        raise CohortError(_("Only people with the trainer role can train a cohort"), field="trainers")
    if lead_trainer is not None and lead_trainer not in trainers:
        raise CohortError(_("The lead trainer must be one of the cohort's trainers"), field="lead_trainer")
    before = {t.public_id for t in cohort.trainers}
    after = {t.public_id for t in trainers}
    previous_lead = cohort.lead_trainer.public_id if cohort.lead_trainer else None
    new_lead = lead_trainer.public_id if lead_trainer else None
    if before == after and previous_lead == new_lead:
        return cohort  # nothing changed: nothing to record (a second click of the same form)
    cohort.trainers = list(trainers)
    cohort.lead_trainer = lead_trainer
    record(
        actor,
        "cohort.staff_changed",
        cohort,
        added=sorted(after - before),
        removed=sorted(before - after),
        lead_trainer=new_lead,
        previous_lead_trainer=previous_lead,
    )
    return cohort


def _new_candidate_number(cohort: Cohort) -> str:
    """A number that stands in for the trainee's name in anonymous marking: year and five random digits."""
    while True:
        number = f"{cohort.starts_on:%y}-{secrets.randbelow(90000) + 10000}"
        if not db.session.scalar(db.select(Enrolment.id).where(Enrolment.candidate_number == number)):
            return number


def enrol(
    cohort: Cohort,
    user: User,
    organisation: Organisation,
    actor,
    nation: Nation | None = None,
    transferred_from: Enrolment | None = None,
) -> Enrolment:
    """Enrol ``user`` in ``cohort``; ``nation`` (where they work) defaults to the organisation's."""
    require_role(actor, Role.HUB_ADMIN)
    existing = db.session.scalar(
        db.select(Enrolment).where(Enrolment.cohort_id == cohort.id, Enrolment.user_id == user.id)
    )
    if existing is not None:
        raise CohortError(
            _("%(email)s is already enrolled in %(cohort)s", email=user.email, cohort=cohort.name),
            field="email",
        )
    auth.grant_roles(user, {Role.TRAINEE})
    enrolment = Enrolment(
        cohort=cohort,
        user=user,
        organisation=organisation,
        candidate_number=_new_candidate_number(cohort),
        status=EnrolmentStatus.ACTIVE,
        nation=nation or organisation.nation,
        transferred_from=transferred_from,
    )
    db.session.add(enrolment)
    record(
        actor,
        "enrolment.created",
        enrolment,
        cohort=cohort.public_id,
        user=user.public_id,
        organisation=organisation.public_id,
        nation=enrolment.nation.value,
        candidate_number=enrolment.candidate_number,
        transferred_from=transferred_from.public_id if transferred_from else None,
    )
    return enrolment


def invite_trainee(
    cohort: Cohort,
    email: str,
    name: str,
    organisation: Organisation,
    actor,
    nation: Nation | None = None,
    existing_confirmed: bool = True,
    language: str | None = None,
) -> Enrolment:
    """Invite a person (new or existing) as a trainee and enrol them in ``cohort``.

    An existing person keeps their account, their name and every earlier enrolment; with
    ``existing_confirmed`` False the Hub is asked to confirm first (the refusal names the person)."""
    require_role(actor, Role.HUB_ADMIN)
    user = auth.user_by_email(email)
    if user is not None and db.session.scalar(
        db.select(Enrolment.id).where(Enrolment.cohort_id == cohort.id, Enrolment.user_id == user.id)
    ):
        raise CohortError(
            _(
                "%(email)s is already enrolled in %(cohort)s",
                email=auth.normalise_email(email),
                cohort=cohort.name,
            ),
            field="email",
        )
    if user is not None and not existing_confirmed:
        places = ", ".join(e.cohort.name for e in enrolments_of(user)) or _("no cohort yet")
        raise CohortError(
            _(
                "%(email)s already has an account, as %(name)s (%(places)s). Their name stays as it is and "
                "their earlier training stays with its cohort. Confirm below to enrol them here too.",
                email=user.email,
                name=user.name,
                places=places,
            ),
            field="confirm_existing",
        )
    user = auth.invite(email, name, {Role.TRAINEE}, actor, organisation=organisation, language=language)
    return enrol(cohort, user, organisation, actor, nation=nation)


STUDY_HOURS_PER_WEEK = 10


def default_schedule(cohort: Cohort) -> dict[int, tuple[date, date]]:
    """Each module's (opens on, due on) by default: modules open one after another from the cohort's
    start at a steady pace of study; work is due the assignment's ``due_days`` after opening, or (for a
    module without written work) when the next module opens."""
    schedule, hours_before = {}, 0
    for module in cohort.curriculum_version.modules:
        opens = cohort.starts_on + timedelta(weeks=hours_before / STUDY_HOURS_PER_WEEK)
        hours_before += module.study_hours
        if module.assignment is not None:
            due = opens + timedelta(days=module.assignment.due_days)
        else:
            due = cohort.starts_on + timedelta(weeks=hours_before / STUDY_HOURS_PER_WEEK)
        schedule[module.id] = (opens, due)
    return schedule


def schedule(cohort: Cohort) -> dict[int, ModuleSchedule]:
    """The cohort's module schedule by module id: the one place opening and due dates come from."""
    rows = db.session.scalars(db.select(ModuleSchedule).where(ModuleSchedule.cohort_id == cohort.id))
    return {row.module_id: row for row in rows}


def module_dates(cohort: Cohort, module_id: int) -> tuple[date, date]:
    """(opens on, due on) of one module for this cohort."""
    row = db.session.scalar(
        db.select(ModuleSchedule).where(
            ModuleSchedule.cohort_id == cohort.id, ModuleSchedule.module_id == module_id
        )
    )
    if row is None:  # a cohort made before schedules existed and not yet migrated: the default
        return default_schedule(cohort)[module_id]
    return row.opens_on, row.due_on


def update_schedule(cohort: Cohort, dates: dict[int, tuple[date, date]], actor) -> list[ModuleSchedule]:
    """Change the schedule; every module's due date must be on or after its opening date."""
    require_role(actor, Role.HUB_ADMIN)
    rows = schedule(cohort)
    modules = {m.id: m for m in cohort.curriculum_version.modules}
    changed = {}
    for module_id, (opens_on, due) in dates.items():
        if module_id not in modules:
            raise CohortError(_("That module is not part of this cohort's curriculum"))
        if due < opens_on:
            raise CohortError(
                _(
                    "%(module)s: the due date must be on or after the opening date",
                    module=modules[module_id].code,
                )
            )
        row = rows.get(module_id)
        if row is None:
            row = ModuleSchedule(cohort_id=cohort.id, module_id=module_id, opens_on=opens_on, due_on=due)
            db.session.add(row)
            rows[module_id] = row
        if (row.opens_on, row.due_on) != (opens_on, due) or row.id is None:
            changed[modules[module_id].code] = [opens_on.isoformat(), due.isoformat()]
        row.opens_on, row.due_on = opens_on, due
    if changed:
        record(actor, "cohort.schedule_changed", cohort, modules=changed)
    return list(rows.values())


def by_public_id(public_id: str) -> Cohort | None:
    return db.session.scalar(db.select(Cohort).where(Cohort.public_id == public_id))


def cohorts_for(user: User) -> list[Cohort]:
    """Every cohort for a Hub admin; a trainer's own cohorts otherwise."""
    query = db.select(Cohort).order_by(Cohort.starts_on.desc(), Cohort.name)
    if not policy.is_hub_admin(user):
        query = query.where(Cohort.trainers.any(User.id == user.id))
    return list(db.session.scalars(query))


def check_can_view(cohort: Cohort, user: User) -> None:
    if not policy.is_cohort_staff(user, cohort):
        raise PermissionDenied("only this cohort's trainers and Hub admins can see it")


def enrolments_in(cohort: Cohort) -> list[Enrolment]:
    return list(
        db.session.scalars(
            db.select(Enrolment)
            .join(Enrolment.user)
            .where(Enrolment.cohort_id == cohort.id)
            .order_by(User.name)
        )
    )


def enrolment_counts() -> dict[int, int]:
    rows = db.session.execute(db.select(Enrolment.cohort_id, sa.func.count()).group_by(Enrolment.cohort_id))
    return dict(rows.all())


def current_enrolment(user: User, chosen: str | None = None) -> Enrolment | None:
    """The active enrolment the trainee chose to open (``chosen``: its public id), else their active
    enrolment in the most recently started cohort."""
    active = active_enrolments(user)
    return next((e for e in active if e.public_id == chosen), active[0] if active else None)


def active_enrolments(user: User) -> list[Enrolment]:
    """Every training the trainee can open now, the most recently started first."""
    return list(
        db.session.scalars(
            db.select(Enrolment)
            .join(Enrolment.cohort)
            .where(Enrolment.user_id == user.id, Enrolment.status == EnrolmentStatus.ACTIVE)
            .order_by(Cohort.starts_on.desc(), Enrolment.id.desc())
        )
    )


def enrolments_of(user: User) -> list[Enrolment]:
    """Every place the person has held, in any state, the most recently started first."""
    return list(
        db.session.scalars(
            db.select(Enrolment)
            .join(Enrolment.cohort)
            .where(Enrolment.user_id == user.id)
            .order_by(Cohort.starts_on.desc(), Enrolment.id.desc())
        )
    )


def enrolments_of_organisation(organisation_id: int) -> list[Enrolment]:
    return list(
        db.session.scalars(
            db.select(Enrolment)
            .join(Enrolment.user)
            .where(Enrolment.organisation_id == organisation_id)
            .order_by(User.name)
        )
    )


def trainers() -> list[User]:
    return list(
        db.session.scalars(db.select(User).where(User.role_grants.any(role=Role.TRAINER)).order_by(User.name))
    )


# --- one trainee's place: withdraw, defer, resume, transfer (nothing is deleted; history is kept)

STATUS_MOVES = {
    "withdraw": ({EnrolmentStatus.ACTIVE, EnrolmentStatus.DEFERRED}, EnrolmentStatus.WITHDRAWN),
    "defer": ({EnrolmentStatus.ACTIVE}, EnrolmentStatus.DEFERRED),
    "resume": ({EnrolmentStatus.DEFERRED, EnrolmentStatus.WITHDRAWN}, EnrolmentStatus.ACTIVE),
}


TRANSFERABLE = (EnrolmentStatus.ACTIVE, EnrolmentStatus.DEFERRED)


def enrolment_moves(enrolment: Enrolment) -> list[str]:
    """The status changes this enrolment's state allows now (``transfer`` among them): pages offer these."""
    moves = [move for move, (allowed, _status) in STATUS_MOVES.items() if enrolment.status in allowed]
    return [*moves, "transfer"] if enrolment.status in TRANSFERABLE else moves


def change_status(enrolment: Enrolment, move: str, reason: str, actor) -> Enrolment:
    """Withdraw, defer or resume an enrolment. The trainee's work stays with the enrolment."""
    require_role(actor, Role.HUB_ADMIN)
    if move not in STATUS_MOVES:
        raise CohortError(_("Choose what to do"), field="move")
    allowed, new_status = STATUS_MOVES[move]
    if enrolment.status not in allowed:
        raise CohortError(
            _(
                "This enrolment is %(status)s, so it cannot be changed that way",
                status=_(enrolment.status.label).lower(),
            )
        )
    reason = reason.strip()
    if not reason:
        raise CohortError(_("Give a reason (it is kept in the trainee's history)"), field="reason")
    previous = enrolment.status
    enrolment.status, enrolment.status_changed_at = new_status, utcnow()
    record(
        actor,
        f"enrolment.{new_status.value}" if move != "resume" else "enrolment.resumed",
        enrolment,
        previous=previous.value,
        reason=reason,
    )
    return enrolment


def transfer(enrolment: Enrolment, target: Cohort, reason: str, actor) -> Enrolment:
    """Move a trainee to another cohort: this enrolment ends as transferred and keeps everything done
    under it (attempts, submissions, marks and portfolio belong to the cohort's curriculum version); a new
    enrolment in ``target`` links back to it. Returns the new enrolment."""
    require_role(actor, Role.HUB_ADMIN)
    if enrolment.status not in TRANSFERABLE:
        raise CohortError(
            _(
                "This enrolment is %(status)s, so it cannot be transferred",
                status=_(enrolment.status.label).lower(),
            )
        )
    if target.id == enrolment.cohort_id:
        raise CohortError(_("Choose a different cohort"), field="cohort")
    reason = reason.strip()
    if not reason:
        raise CohortError(_("Give a reason (it is kept in the trainee's history)"), field="reason")
    if db.session.scalar(
        db.select(Enrolment.id).where(
            Enrolment.cohort_id == target.id, Enrolment.user_id == enrolment.user_id
        )
    ):
        raise CohortError(
            _("%(name)s already has a place in %(cohort)s", name=enrolment.user.name, cohort=target.name),
            field="cohort",
        )
    previous = enrolment.status
    enrolment.status, enrolment.status_changed_at = EnrolmentStatus.TRANSFERRED, utcnow()
    new = enrol(
        target,
        enrolment.user,
        enrolment.organisation,
        actor,
        nation=enrolment.nation,
        transferred_from=enrolment,
    )
    record(
        actor,
        "enrolment.transferred",
        enrolment,
        previous=previous.value,
        to_cohort=target.public_id,
        to_enrolment=new.public_id,
        reason=reason,
    )
    return new


def add_contact_note(enrolment: Enrolment, contacted_on: date, agreed: str, actor) -> ContactNote:
    """A trainer records contact with a trainee: who (the actor), when, and what was agreed."""
    if not policy.is_cohort_staff(actor, enrolment.cohort):
        raise PermissionDenied("only this cohort's trainers and Hub admins record contact")
    agreed = agreed.strip()
    if not agreed:
        raise CohortError(_("Say what was agreed"), field="agreed")
    if len(agreed) > 2000:
        raise CohortError(_("Keep the note to 2,000 characters"), field="agreed")
    if contacted_on > utcnow().date() + timedelta(days=1):
        raise CohortError(_("The date of contact must be today or in the past"), field="contacted_on")
    note = ContactNote(
        enrolment_id=enrolment.id,
        author_id=getattr(actor, "id", None),
        contacted_on=contacted_on,
        agreed=agreed,
    )
    db.session.add(note)
    record(actor, "enrolment.contact_noted", enrolment, contacted_on=contacted_on.isoformat())
    return note


def enrolment_by_public_id(public_id: str) -> Enrolment | None:
    return db.session.scalar(db.select(Enrolment).where(Enrolment.public_id == public_id))


def can_see_enrolment(enrolment: Enrolment, user: User) -> bool:
    """Hub admins; the cohort's trainers; managers of the trainee's host organisation."""
    return policy.may_see_record(user, enrolment)
