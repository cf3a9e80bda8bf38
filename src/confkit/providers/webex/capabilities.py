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

#: Where a site admin sets what the API does not expose (help.webex.com ne8ce2f, "Manage security for
#: scheduled Webex meetings on your site"; Block external meetings: notes/webex.md §7, third-party mirror).
CONTROL_HUB_SITE_SECURITY = (
    "Control Hub: Services > Meeting > Sites > (the site) > Configure Site > Common Settings > Security"
)
CONTROL_HUB_BLOCK_EXTERNAL = "Control Hub: Meeting > Settings > Block external meetings"

#: Site settings Webex's public API does not expose (Control Hub UI only), by the name confkit uses
#: for them. ``update_account_settings`` raises UnsupportedOperationError(reason="api_limit") for these.
NO_API: dict[str, OperationSupport] = {
    "lobbyDefaults": OperationSupport.api_limit(
        "the site-wide lobby default for unlocked meetings is a Control Hub setting with no public API; set "
        "unlockedMeetingJoinSecurity on each meeting instead"
    ),
    "automaticLockDefaults": OperationSupport.api_limit(
        "the site-wide automatic-lock default is a Control Hub setting with no public API; set enableAutomaticLock "
        "and automaticLockMinutes on each meeting instead (waiting_room=everyone does it at 0 minutes)"
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
            Support.EQUIVALENT,
            ("meeting",),
            False,
            ("meeting.unlockedMeetingJoinSecurity", "meeting.enableAutomaticLock", "meeting.automaticLockMinutes"),
            "No waiting-room switch: per meeting, people not on the invite wait in the lobby while it is unlocked "
            "(unlockedMeetingJoinSecurity=allowJoinWithLobby) and an automatic lock at 0 minutes locks it at the "
            "start, so everyone but the host waits to be admitted (enableAutomaticLock=true, automaticLockMinutes=0); "
            "without that lock only outsiders wait. Site-wide lobby and auto-lock defaults have no API "
            f"({CONTROL_HUB_SITE_SECURITY}).",
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
            "Attendee content sharing per meeting; no site default through the API.",
        ),
        Control.CHAT_RESTRICTIONS: ControlSupport(
            Support.PARTIAL,
            ("meeting",),
            False,
            ("meeting.meetingOptions.enabledChat", "meeting.attendeePrivileges.enabledChatOtherParticipants"),
            "Per meeting: private chat between attendees (enabledChatOtherParticipants; the spec says no longer "
            "supported on sites migrated to the Webex Suite Meeting Platform) or all chat (enabledChat). No "
            "'host only' chat and no site default through the API.",
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
            note=(
                "No API: external-participant indicators and 'Block external meetings' are Control Hub settings "
                f"({CONTROL_HUB_BLOCK_EXTERNAL})."
            ),
        ),
    },
)

__all__ = ["CAPABILITIES", "CONTROL_HUB_BLOCK_EXTERNAL", "CONTROL_HUB_SITE_SECURITY", "NO_API"]
