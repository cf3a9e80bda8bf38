"""What Webex can and cannot do through confkit - declared once, read everywhere.

Webex's public API has no call for some Control Hub settings a district cares about; they are
declared in :data:`NO_API` (``api_limit``) and in the notes of the controls they touch, so the CLI,
the capability matrix and the policy engine can say so instead of pretending.
"""

from __future__ import annotations

from confkit.capabilities import (
    Capabilities,
    Control,
    ControlSupport,
    Operation,
    OperationSupport,
    Support,
)

_yes = OperationSupport.yes

#: Site settings Webex's public API does not expose (Control Hub UI only), by the name confkit uses
#: for them. ``update_account_settings`` raises UnsupportedOperationError(reason="api_limit") for these.
NO_API: dict[str, OperationSupport] = {
    "lobbyDefaults": OperationSupport.api_limit(
        "the site-wide lobby default for unlocked meetings is a Control Hub setting with no public API; set "
        "unlockedMeetingJoinSecurity on each meeting instead"
    ),
    "automaticLockDefaults": OperationSupport.api_limit(
        "the site-wide automatic-lock default is a Control Hub setting with no public API; set enableAutomaticLock "
        "and automaticLockMinutes on each meeting (provider_options) instead"
    ),
    "blockExternalMeetings": OperationSupport.api_limit(
        "'Block external meetings' (and its allow-list of sites) is a Control Hub setting with no public API"
    ),
}

CAPABILITIES = Capabilities(
    operations={
        Operation.LIST_USERS: _yes("GET /people (admin lists the whole org), Link-header pages of up to 100"),
        Operation.GET_USER: _yes("GET /people/{personId}; an email is looked up with GET /people?email="),
        Operation.CREATE_USER: _yes("POST /people (admin); licences from the 'licenses' setting; no passwords"),
        Operation.SET_USER_STATUS: _yes("GET then PUT /people/{personId} (a full replace) with loginEnabled"),
        Operation.LIST_MEETINGS: _yes(
            "GET /meetings?meetingType=meetingSeries&hostEmail= (admin on behalf of the host), upcoming window"
        ),
        Operation.GET_MEETING: _yes("GET /meetings/{meetingId}; the host is found with GET /admin/meetings/{id}"),
        Operation.CREATE_MEETING: _yes("POST /meetings with hostEmail; 100 creates per user per 24 h (failures count)"),
        Operation.UPDATE_MEETING: _yes("PATCH /meetings/{meetingId} (never PUT); a series change cancels exceptions"),
        Operation.DELETE_MEETING: _yes("DELETE /meetings/{meetingId}?hostEmail="),
        Operation.GET_ACCOUNT_SETTINGS: _yes("GET /admin/meeting/config/commonSettings, section 'commonSettings'"),
        Operation.UPDATE_ACCOUNT_SETTINGS: _yes(
            "PATCH /admin/meeting/config/commonSettings (the admin's preferred site; the PATCH takes no siteUrl); "
            "no locks on Webex"
        ),
    },
    controls={
        Control.PASSCODE_REQUIRED: ControlSupport(
            Support.NATIVE,
            ("meeting",),
            False,
            ("meeting.password", "meeting.excludePassword"),
            "Every Webex meeting has a password (generated when omitted); it cannot be turned off.",
        ),
        Control.PASSCODE_STRENGTH: ControlSupport(
            Support.NATIVE,
            ("site",),
            False,
            ("securityOptions.requireStrongPassword", "securityOptions.passwordCriteria"),
            "Site password rules in commonSettings.",
        ),
        Control.WAITING_ROOM: ControlSupport(
            Support.PARTIAL,
            ("meeting",),
            False,
            ("meeting.unlockedMeetingJoinSecurity", "meeting.enableAutomaticLock", "meeting.automaticLockMinutes"),
            "Per meeting, guests (not on the invite) wait in the lobby or are blocked; 'everyone waits' needs an "
            "automatic lock at 0 minutes (provider_options). Site-wide lobby and auto-lock defaults: no API.",
        ),
        Control.AUTHENTICATED_ONLY: ControlSupport(
            Support.PARTIAL,
            ("site",),
            False,
            ("securityOptions.requireLoginBeforeAccess", "meeting.requireAttendeeLogin"),
            "Site-wide login requirement; per meeting only for webinars.",
        ),
        Control.JOIN_BEFORE_HOST: ControlSupport(
            Support.NATIVE,
            ("site", "user", "meeting"),
            False,
            (
                "securityOptions.joinBeforeHost",
                "meetingPreferences.schedulingOptions.enabledJoinBeforeHost",
                "meeting.enabledJoinBeforeHost",
                "meeting.joinBeforeHostMinutes",
            ),
            "Minutes: 0, 5, 10 or 15.",
        ),
        Control.MUTE_ON_ENTRY: ControlSupport(
            Support.PARTIAL,
            ("meeting",),
            False,
            ("meeting.audioConnectionOptions.muteAttendeeUponEntry",),
            "Per meeting only; no site default through the API.",
        ),
        Control.SCREEN_SHARING: ControlSupport(
            Support.PARTIAL,
            ("meeting",),
            False,
            ("meeting.attendeePrivileges.enabledShareContent",),
            "Attendee sharing per meeting; ignored on sites migrated to the Webex Suite meeting platform.",
        ),
        Control.CHAT_RESTRICTIONS: ControlSupport(
            Support.PARTIAL,
            ("meeting",),
            False,
            ("meeting.meetingOptions.enabledChat", "meeting.attendeePrivileges.enabledChatOtherParticipants"),
            "Per meeting through provider_options.",
        ),
        Control.AUTO_RECORDING: ControlSupport(
            Support.NATIVE,
            ("meeting",),
            False,
            ("meeting.enabledAutoRecordMeeting",),
            "Cloud recording; not for personal-room meetings.",
        ),
        Control.AUTO_TRANSCRIPTION: ControlSupport(Support.NONE, note="No API to turn on transcription by default."),
        Control.PERSONAL_ROOM_FOR_SCHEDULED: ControlSupport(
            Support.PARTIAL,
            ("meeting",),
            False,
            ("meeting.scheduledType",),
            "scheduledType=personalRoomMeeting per meeting; no site switch through the API.",
        ),
        Control.EXTERNAL_PARTICIPANT_WARNING: ControlSupport(
            Support.NONE,
            note="No API: external-participant indicators and 'Block external meetings' are Control Hub settings.",
        ),
    },
)

__all__ = ["CAPABILITIES", "NO_API"]
