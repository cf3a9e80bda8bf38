"""confkit: run Zoom, Webex and Google Meet as one system.

import confkit
zoom = confkit.connect("zoom")           # settings from confkit.toml / CONFKIT_ZOOM_*
for user in zoom.list_users():
    print(user.email)
"""

from confkit.capabilities import Capabilities, Control, Operation, Support
from confkit.errors import (
    APIError,
    AuthenticationError,
    ConfigurationError,
    ConfkitError,
    ConflictError,
    InvalidRequestError,
    NotFoundError,
    PaginationLoopError,
    PermissionDeniedError,
    RateLimitedError,
    TransportError,
    UnavailableError,
    UnknownProviderError,
    UnrepresentableError,
    UnsupportedOperationError,
)
from confkit.models import (
    AccountSettings,
    AutoRecording,
    Meeting,
    MeetingCreate,
    MeetingKind,
    MeetingSecurity,
    MeetingUpdate,
    Page,
    ScreenSharing,
    User,
    UserActivation,
    UserCreate,
    UserStatus,
    WaitingRoom,
)
from confkit.provider import Provider
from confkit.recurrence import Frequency, Recurrence
from confkit.registry import available, connect, register

__version__ = "0.1.0"

__all__ = [
    "APIError",
    "AccountSettings",
    "AuthenticationError",
    "AutoRecording",
    "Capabilities",
    "ConfigurationError",
    "ConfkitError",
    "ConflictError",
    "Control",
    "Frequency",
    "InvalidRequestError",
    "Meeting",
    "MeetingCreate",
    "MeetingKind",
    "MeetingSecurity",
    "MeetingUpdate",
    "NotFoundError",
    "Operation",
    "Page",
    "PaginationLoopError",
    "PermissionDeniedError",
    "Provider",
    "RateLimitedError",
    "Recurrence",
    "ScreenSharing",
    "Support",
    "TransportError",
    "UnavailableError",
    "UnknownProviderError",
    "UnrepresentableError",
    "UnsupportedOperationError",
    "User",
    "UserActivation",
    "UserCreate",
    "UserStatus",
    "WaitingRoom",
    "__version__",
    "available",
    "connect",
    "register",
]
