"""What each audit action code means, in words: one mapping, used by the log's filter and
its table, so staff never read raw codes such as
``dbs.application_step``.

A code not listed here (a new feature's) is still readable: its area and its words, from
the code itself ("dbs.status_checked" reads "DBS: status checked").
"""

from __future__ import annotations

AREAS = {
    "account": "Account",
    "application": "Application",
    "dbs": "DBS",
    "export": "Export",
    "need": "Need",
    "profile": "PA profile",
    "recipient": "Person",
    "register": "Register",
    "reports": "Reports",
    "shortlist": "Shortlist",
    "skill": "Skill",
    "training": "Training",
    "vetting": "Vetting",
}

LABELS = {
    "account.activated": "Account reactivated",
    "account.created": "Account created by an admin",
    "account.deactivated": "Account deactivated",
    "account.email_verified": "Email address confirmed",
    "account.login": "Signed in",
    "account.login_failed": "Sign-in failed",
    "account.logout": "Signed out",
    "account.password_changed": "Password changed",
    "account.password_reset": "Password reset",
    "account.password_reset_requested": "Password reset asked for",
    "account.session_ended": "Signed out of a device",
    "account.sign_in_link_requested": "Sign-in link asked for",
    "account.signup": "Signed up",
    "account.signup_existing": "Sign-up with an email already in use",
    "application.shortlisted": "PA shortlisted for a need",
    "application.invited": "PA invited to a need",
    "application.accepted": "PA accepted an invitation",
    "application.declined": "PA declined an invitation",
    "application.withdrawn": "PA withdrew",
    "application.rejected": "PA not taken forward",
    "application.interview": "Interview booked",
    "application.offered": "Work offered",
    "application.appointed": "PA appointed",
    "application.started": "PA started work",
    "dbs.access_listed": "DBS access list viewed",
    "dbs.application_started": "DBS application started",
    "dbs.application_step": "DBS application moved on a step",
    "dbs.application_withdrawn": "DBS application withdrawn",
    "dbs.check_expired": "DBS check expired",
    "dbs.check_recorded": "DBS check recorded",
    "dbs.consent_recorded": "DBS Update Service consent recorded",
    "dbs.consent_withdrawn": "DBS Update Service consent withdrawn",
    "dbs.decision_recorded": "DBS decision recorded",
    "dbs.fees_updated": "DBS fees changed",
    "dbs.holder_updated": "DBS certificate holder's details changed",
    "dbs.original_seen": "DBS original certificate seen",
    "dbs.own_viewed": "PA viewed their own DBS record",
    "dbs.permission_granted": "DBS permission given",
    "dbs.permission_removed": "DBS permission removed",
    "dbs.rationale_deleted": "DBS rationale deleted after retention",
    "dbs.reminder_sent": "DBS reminder sent",
    "dbs.status_checked": "DBS Update Service status checked",
    "dbs.stuck_reminder": "Reminder about a stuck DBS application",
    "dbs.viewed": "DBS record viewed",
    "export.full": "Full export downloaded",
    "export.imported": "Export loaded",
    "need.closed": "Need closed",
    "need.created": "Need created",
    "need.opened": "Need opened",
    "need.updated": "Need changed",
    "profile.approved": "PA approved onto the register",
    "profile.changes_requested": "PA asked to change their profile",
    "profile.declined": "PA profile declined",
    "profile.draft": "PA profile back to draft",
    "profile.submitted": "PA profile sent for checks",
    "profile.suspended": "PA suspended",
    "profile.withdrawn": "PA profile withdrawn",
    "recipient.created": "Person added",
    "register.import": "PAs imported",
    "reports.people_supported_downloaded": "People-supported figures downloaded",
    "shortlist.added": "PA added to a shortlist",
    "shortlist.removed": "PA removed from a shortlist",
    "skill.added": "Skill added",
    "skill.renamed": "Skill renamed",
    "skill.restored": "Skill brought back",
    "skill.retired": "Skill retired",
    "training.attendance_recorded": "Training attendance recorded",
    "training.booked": "Training place booked",
    "training.booking_cancelled": "Training booking cancelled",
    "training.claim_deleted": "Training claim deleted",
    "training.claim_rejected": "Training claim rejected",
    "training.claim_verified": "Training claim verified",
    "training.completion_recorded": "Training completion recorded",
    "training.course_added": "Course added",
    "training.course_updated": "Course changed",
    "training.import": "Training records imported",
    "training.promoted": "Moved off a training waiting list",
    "training.reminder_sent": "Training renewal reminder sent",
    "training.session_cancelled": "Training session cancelled",
    "training.session_created": "Training session added",
    "training.waiting": "Put on a training waiting list",
    "vetting.check_recorded": "Vetting check recorded",
    "vetting.qualification_verified": "Qualification checked",
    "vetting.reference_added": "Reference added",
    "vetting.reference_recorded": "Reference outcome recorded",
}


def label(code: str) -> str:
    """The words for an action code: its own, or its area's and its words."""
    if code in LABELS:
        return LABELS[code]
    area, _, rest = code.partition(".")
    words = rest.replace("_", " ").replace("-", " ").strip()
    if not words:
        return area.replace("_", " ").capitalize()
    return f"{AREAS.get(area, area.replace('_', ' ').capitalize())}: {words}"


def choices(codes: list[str]) -> list[tuple[str, str]]:
    """The filter's options: each code seen in the log with its words, in the words' order."""
    return sorted(((code, label(code)) for code in codes), key=lambda pair: pair[1].lower())
