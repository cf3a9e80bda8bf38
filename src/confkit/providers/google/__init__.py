"""Google Meet on Google Workspace: Calendar events with Meet conferences, Meet spaces, Directory
users, Cloud Identity Meet policies and the Meet audit log.

Modules: ``provider`` (the Provider and its settings), ``transport`` (googleapiclient requests sent
through confkit's HttpCore), ``auth`` (service account with domain-wide delegation), ``scopes``
(the one table of calls, impersonated users and scopes), ``wire`` (Google JSON models), ``mapping``
(pure Google <-> neutral functions), ``errors`` (Google error bodies -> confkit errors), ``limits``
(rate-limit buckets), ``capabilities``.
"""

from confkit.providers.google.mapping import MeetAuditEvent, meeting_code_key, normalize_meeting_code
from confkit.providers.google.provider import GoogleProvider, GoogleSettings
from confkit.providers.google.scopes import ALL_SCOPES, CALLS

__all__ = [
    "ALL_SCOPES",
    "CALLS",
    "GoogleProvider",
    "GoogleSettings",
    "MeetAuditEvent",
    "meeting_code_key",
    "normalize_meeting_code",
]
