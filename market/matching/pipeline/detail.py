"""One application in full, for the pages and the API: the need's side's view (the
application, its interviews, the offer or appointment, overlapping hours) and the PA's."""

from __future__ import annotations

import msgspec

from market.accounts.schemas import CurrentUser
from market.matching.pipeline import applications as pipeline
from market.matching.pipeline import appointments, interviews, overlaps


class ApplicationDetail(msgspec.Struct, kw_only=True):
    application: pipeline.ApplicationOut
    interviews: list[interviews.InterviewOut]
    appointment: appointments.AppointmentOut | None
    overlapping_hours: list[str]


class InvitationDetail(msgspec.Struct, kw_only=True):
    invitation: pipeline.InvitationOut
    interviews: list[interviews.InterviewOut]
    offer: appointments.AppointmentOut | None
    overlapping_hours: list[str]


async def application_detail(user: CurrentUser, need_id: int, application_id: int) -> ApplicationDetail:
    """An application as the need's side sees it (404 unless they act for the need)."""
    application = await pipeline.get_application(user, need_id, application_id)
    return ApplicationDetail(
        application=application,
        interviews=await interviews.interviews_of(application_id),
        appointment=await appointments.appointment_of(application_id),
        overlapping_hours=await overlaps.overlapping_labels(need_id, application.profile_id),
    )


async def invitation_detail(pa_user: CurrentUser, application_id: int) -> InvitationDetail:
    """An invitation as its PA sees it (404 unless it is theirs)."""
    invitation = await pipeline.get_invitation(pa_user, application_id)
    return InvitationDetail(
        invitation=invitation,
        interviews=await interviews.interviews_of(application_id),
        offer=await appointments.appointment_of(application_id),
        overlapping_hours=await overlaps.overlapping_labels(invitation.need_id, invitation.profile_id),
    )
