"""Who may do what, each rule named once. Services and views ask these; templates read the answers.

``actor`` is None only for the ``imsa`` command line, which acts with the server's own authority: every rule
allows it (``acts_as_server``). The rules read plain attributes (a cohort's trainers, an enrolment's owner),
so this module imports no capability above accounts.
"""

from __future__ import annotations

from app.auth.models import Role


def acts_as_server(actor) -> bool:
    """The command line, acting as nobody in particular."""
    return actor is None


def is_hub_admin(actor) -> bool:
    return acts_as_server(actor) or actor.has_role(Role.HUB_ADMIN)


def may_end_sessions_of(actor, user) -> bool:
    """Signing an account out everywhere: the account holder (and the command line)."""
    return acts_as_server(actor) or actor.id == user.id


def is_cohort_staff(actor, cohort) -> bool:
    """A Hub admin, or one of this cohort's trainers."""
    return is_hub_admin(actor) or actor in cohort.trainers


def is_cohort_lead(actor, cohort) -> bool:
    """A Hub admin, or the cohort's lead trainer: releases results and decides what blocks them."""
    return is_hub_admin(actor) or (cohort.lead_trainer_id is not None and cohort.lead_trainer_id == actor.id)


def owns_enrolment(actor, enrolment) -> bool:
    """The trainee whose place this is (the command line too)."""
    return acts_as_server(actor) or enrolment.user_id == actor.id


def manages_organisation_of(actor, enrolment) -> bool:
    return (
        not acts_as_server(actor)
        and actor.has_role(Role.ORG_MANAGER)
        and actor.organisation_id is not None
        and enrolment.organisation_id == actor.organisation_id
    )


def may_see_candidate_names(actor, cohort) -> bool:
    """While a cohort marks anonymously its markers see candidate numbers, never names, everywhere (the
    cohort page, the progress matrix, records, marking); Hub admins and the lead trainer see both."""
    return is_cohort_lead(actor, cohort) or not cohort.anonymous_marking


def may_see_record(actor, enrolment) -> bool:
    """The trainee record, which names the trainee: the cohort's staff who may see names, and the manager
    of the trainee's own organisation."""
    cohort = enrolment.cohort
    return (
        is_cohort_staff(actor, cohort) and may_see_candidate_names(actor, cohort)
    ) or manages_organisation_of(actor, enrolment)


def may_see_unreleased_marks(actor, enrolment) -> bool:
    """Marks before release: Hub admins; the cohort's trainers only when marking is not anonymous (a record
    names the trainee, so it must not undo anonymous marking). Never organisation managers, never the
    trainee."""
    cohort = enrolment.cohort
    return is_hub_admin(actor) or (actor in cohort.trainers and not cohort.anonymous_marking)


def is_external_examiner_for(actor, cohort) -> bool:
    """The external examiner appointed to this cohort (never the command line: it examines nothing).
    They read the sample of its marking and file a report; they mark nothing and see no names."""
    return (
        not acts_as_server(actor)
        and actor.has_role(Role.EXTERNAL_EXAMINER)
        and cohort.external_examiner_id is not None
        and cohort.external_examiner_id == actor.id
    )


def may_handle_appeal(actor, appeal) -> bool:
    """An appeal's page, with the trainee's statement (which may be about their circumstances): the Hub
    admins who assign it and the reviewer who decides it; no other trainer."""
    return is_hub_admin(actor) or (appeal.reviewer_id is not None and appeal.reviewer_id == actor.id)


def may_open_integrity_case(actor, submission) -> bool:
    """An academic-integrity case on a piece: its marker, its second marker, or a Hub admin opens it."""
    return is_hub_admin(actor) or actor.id in (submission.marker_id, submission.moderator_id)


def may_decide_integrity_case(actor) -> bool:
    """The outcome of an academic-integrity case is the Hub's decision (or the board's, recorded by it);
    those who decide are the only staff who read the trainee's response, which may be personal."""
    return is_hub_admin(actor)


def holds_credential(actor, credential) -> bool:
    """The person a credential was issued to (and the command line): they decide who may see it."""
    return acts_as_server(actor) or credential.holder_id == actor.id


def may_download_credential(actor, credential) -> bool:
    """The signed file and certificate by code: anyone while the holder's page is public and the
    credential is not replaced; otherwise the holder and the Hub."""
    if acts_as_server(actor) or (credential.public_page and credential.replaced_at is None):
        return True
    if not actor.is_authenticated:
        return False
    return holds_credential(actor, credential) or is_hub_admin(actor)
