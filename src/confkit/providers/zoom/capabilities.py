"""What Zoom can and cannot do through confkit - declared once, read everywhere."""

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

CAPABILITIES = Capabilities(
    operations={
        Operation.LIST_USERS: _yes("GET /users, next_page_token, 300 per page"),
        Operation.GET_USER: _yes("GET /users/{userId}: id, email or me"),
        Operation.CREATE_USER: _yes("POST /users; activation sso = ssoCreate (the district norm)"),
        Operation.SET_USER_STATUS: _yes("PUT /users/{userId}/status activate|deactivate"),
        Operation.LIST_MEETINGS: _yes("GET /users/{userId}/meetings?type=upcoming (scheduled only, no instant)"),
        Operation.GET_MEETING: _yes("GET /meetings/{meetingId}"),
        Operation.CREATE_MEETING: _yes("POST /users/{userId}/meetings; 100 creates/updates per host per day"),
        Operation.UPDATE_MEETING: _yes("PATCH /meetings/{meetingId}; 100 creates/updates per host per day"),
        Operation.DELETE_MEETING: _yes("DELETE /meetings/{meetingId}"),
        Operation.GET_ACCOUNT_SETTINGS: _yes("meeting_security, schedule_meeting, in_meeting and their locks"),
        Operation.UPDATE_ACCOUNT_SETTINGS: _yes("PATCH settings and lock_settings"),
    },
    controls={
        Control.PASSCODE_REQUIRED: ControlSupport(
            Support.NATIVE,
            ("account", "group", "user", "meeting"),
            True,
            (
                "meeting_security.meeting_password",
                "schedule_meeting.require_password_for_scheduling_new_meetings",
                "meeting.password",
            ),
            "Passcode on every new meeting; lockable at account level.",
        ),
        Control.PASSCODE_STRENGTH: ControlSupport(
            Support.NATIVE,
            ("account",),
            False,
            ("meeting_security.meeting_password_requirement",),
            "Length and character classes of passcodes.",
        ),
        Control.WAITING_ROOM: ControlSupport(
            Support.NATIVE,
            ("account", "group", "user", "meeting"),
            True,
            (
                "meeting_security.waiting_room",
                "meeting_security.waiting_room_settings",
                "meeting.settings.waiting_room",
            ),
            "Who waits (everyone / outside the account) is an account setting; per meeting it is on or off.",
        ),
        Control.AUTHENTICATED_ONLY: ControlSupport(
            Support.NATIVE,
            ("account", "user", "meeting"),
            True,
            (
                "schedule_meeting.enforce_login",
                "schedule_meeting.enforce_login_domains",
                "meeting.settings.meeting_authentication",
                "meeting.settings.authentication_domains",
            ),
            "Students need provisioned Zoom accounts (ssoCreate) or they cannot join.",
        ),
        Control.JOIN_BEFORE_HOST: ControlSupport(
            Support.NATIVE,
            ("account", "group", "user", "meeting"),
            True,
            ("schedule_meeting.join_before_host", "meeting.settings.join_before_host", "meeting.settings.jbh_time"),
            "A waiting room turns join-before-host off.",
        ),
        Control.MUTE_ON_ENTRY: ControlSupport(
            Support.PARTIAL,
            ("meeting",),
            False,
            ("meeting.settings.mute_upon_entry",),
            "Per meeting only: Zoom's account settings API has no mute-on-entry default and no lock for it.",
        ),
        Control.SCREEN_SHARING: ControlSupport(
            Support.NATIVE,
            ("account", "group", "user"),
            True,
            ("in_meeting.screen_sharing", "in_meeting.who_can_share_screen"),
            "No per-meeting field: set at account, group or user level.",
        ),
        Control.CHAT_RESTRICTIONS: ControlSupport(
            Support.NATIVE,
            ("account", "group", "user"),
            True,
            ("in_meeting.chat", "in_meeting.private_chat", "in_meeting.allow_participants_chat_with"),
            "",
        ),
        Control.AUTO_RECORDING: ControlSupport(
            Support.NATIVE,
            ("account", "user", "meeting"),
            True,
            ("recording.auto_recording", "meeting.settings.auto_recording"),
            "",
        ),
        Control.AUTO_TRANSCRIPTION: ControlSupport(
            Support.PARTIAL,
            ("account",),
            False,
            ("recording.recording_audio_transcript",),
            "Only as the audio transcript of cloud recordings; Zoom's lock settings have no lock for it.",
        ),
        Control.PERSONAL_ROOM_FOR_SCHEDULED: ControlSupport(
            Support.NATIVE,
            ("account", "user", "meeting"),
            True,
            ("schedule_meeting.use_pmi_for_scheduled_meetings", "meeting.settings.use_pmi"),
            "Personal Meeting ID reused across classes.",
        ),
        Control.EXTERNAL_PARTICIPANT_WARNING: ControlSupport(
            Support.NATIVE,
            ("account", "group"),
            True,
            ("in_meeting.alert_guest_join",),
            "Identify guest participants in the meeting.",
        ),
    },
)
