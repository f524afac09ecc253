"""Every table privet has, imported in one place so Alembic and the subject map see them all."""

from privet.admin.models import ApiToken, LoginAttempt, StaffSession, StaffUser
from privet.analytics.models import DayTotals, DayValue, Pageview, Salt
from privet.auditlog.models import AuditEntry
from privet.clients.models import Contract
from privet.consent.models import ConsentReceipt
from privet.intake.models import Submission
from privet.marketing.models import MarketingConsent, Suppression
from privet.notify.models import OutboxMessage
from privet.retention.models import LegalHold, SweepRun
from privet.rights.models import DataRequest, RequestEvent, RequestExport
from privet.store.base import Base
from privet.store.models import KeyCheck
from privet.subjects.models import Subject, SubjectVisitor
from privet.transparency.models import PolicyVersion

__all__ = [
    "ApiToken",
    "AuditEntry",
    "Base",
    "ConsentReceipt",
    "Contract",
    "DataRequest",
    "DayTotals",
    "DayValue",
    "KeyCheck",
    "LegalHold",
    "LoginAttempt",
    "MarketingConsent",
    "OutboxMessage",
    "Pageview",
    "PolicyVersion",
    "RequestEvent",
    "RequestExport",
    "Salt",
    "StaffSession",
    "StaffUser",
    "Subject",
    "SubjectVisitor",
    "Submission",
    "Suppression",
    "SweepRun",
]
