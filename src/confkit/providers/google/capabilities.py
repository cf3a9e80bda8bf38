"""What Google Meet can and cannot do through confkit - declared once, read everywhere."""

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
        Operation.LIST_USERS: _yes("Directory users.list (customer=my_customer, pageToken, 500 per page)"),
        Operation.GET_USER: _yes("Directory users.get: primary email, alias or id"),
        Operation.CREATE_USER: _yes(
            "Directory users.insert; activation sso (random unused password) or password; no invitations"
        ),
        Operation.SET_USER_STATUS: _yes("Directory users.patch suspended=true|false"),
        Operation.LIST_MEETINGS: _yes(
            "Calendar events.list of the host's primary calendar, events with a Meet conference the host "
            "organises, series not expanded; standalone spaces cannot be listed (the Meet API has no spaces.list)"
        ),
        Operation.GET_MEETING: _yes("Calendar events.get + Meet spaces.get by meeting code (security)"),
        Operation.CREATE_MEETING: _yes(
            "with start_time: Calendar events.insert with a Meet conference, then spaces.patch for security; "
            "without: Meet spaces.create (a standalone space)"
        ),
        Operation.UPDATE_MEETING: _yes("Calendar events.patch and/or Meet spaces.patch with an updateMask"),
        Operation.DELETE_MEETING: _yes(
            "Calendar events.delete (cancels the event; end_conference=True ends a running call first); "
            "standalone spaces cannot be deleted (the Meet API has no spaces.delete)"
        ),
        Operation.GET_ACCOUNT_SETTINGS: _yes(
            "Cloud Identity policies.list, settings/meet.* per org unit; super admin only (PermissionDeniedError "
            "otherwise)"
        ),
        Operation.UPDATE_ACCOUNT_SETTINGS: OperationSupport.not_built(
            "Cloud Identity v1 documents policies.create/patch (long-running operations), but whether each "
            "meet.* setting accepts writes is unverified; confkit only reads Meet policies - change them in the "
            "Admin console"
        ),
    },
    controls={
        Control.PASSCODE_REQUIRED: ControlSupport(
            Support.EQUIVALENT,
            ("org_unit", "meeting"),
            False,
            ("space.config.accessType", "settings/meet.meet_joining.allowedAudience"),
            "Meet has no passcodes (reads give passcode_required=None; setting one raises UnrepresentableError). "
            "The equivalent protection is knocking: with access type TRUSTED or RESTRICTED uninvited people must "
            "be admitted by the host, and meeting codes are unguessable 10-letter codes.",
        ),
        Control.PASSCODE_STRENGTH: ControlSupport(Support.NONE, note="Meet has no passcodes."),
        Control.WAITING_ROOM: ControlSupport(
            Support.EQUIVALENT,
            ("org_unit", "meeting"),
            False,
            ("space.config.accessType", "settings/meet.meet_joining.allowedAudience"),
            "Knocking: RESTRICTED = everyone but invitees knocks (waiting_room=everyone), TRUSTED = people outside "
            "the organisation knock (outsiders), OPEN = nobody knocks (off). Invitees never knock.",
        ),
        Control.AUTHENTICATED_ONLY: ControlSupport(
            Support.PARTIAL,
            ("org_unit", "meeting"),
            False,
            (
                "settings/meet.safety_domain.usersAllowedToJoin",
                "settings/meet.safety_access.meetingsAllowedToJoin",
                "space.config.accessType",
            ),
            "Blocking signed-out users is an org-unit policy (usersAllowedToJoin=LOGGED_IN, read-only through "
            "confkit). Per meeting, authenticated_only=True only makes them knock (TRUSTED); reads say False for "
            "OPEN and None otherwise.",
        ),
        Control.JOIN_BEFORE_HOST: ControlSupport(
            Support.NONE, note="The Meet API has no join-before-host setting; writing it raises UnrepresentableError."
        ),
        Control.MUTE_ON_ENTRY: ControlSupport(
            Support.NONE, note="The Meet API has no mute-on-entry setting; writing it raises UnrepresentableError."
        ),
        Control.SCREEN_SHARING: ControlSupport(
            Support.NATIVE,
            ("meeting",),
            False,
            ("space.config.moderation", "space.config.moderationRestrictions.presentRestriction"),
            "Host management (moderation) ON with presentRestriction HOSTS_ONLY = host only.",
        ),
        Control.CHAT_RESTRICTIONS: ControlSupport(
            Support.NATIVE,
            ("meeting",),
            False,
            (
                "space.config.moderationRestrictions.chatRestriction",
                "space.config.moderationRestrictions.reactionRestriction",
                "space.config.moderationRestrictions.defaultJoinAsViewerType",
            ),
            "No neutral field: set through provider_options={'space_config': {...}}; read in raw['space'].",
        ),
        Control.AUTO_RECORDING: ControlSupport(
            Support.NATIVE,
            ("org_unit", "meeting"),
            False,
            (
                "space.config.artifactConfig.recordingConfig.autoRecordingGeneration",
                "settings/meet.automatic_recording.enabled",
                "settings/meet.video_recording.enableRecording",
            ),
            "Recordings go to the organiser's Drive (cloud only). auto_recording=none also turns automatic "
            "transcripts and smart notes off; a read says cloud if any of the three is on.",
        ),
        Control.AUTO_TRANSCRIPTION: ControlSupport(
            Support.NATIVE,
            ("org_unit", "meeting"),
            False,
            (
                "space.config.artifactConfig.transcriptionConfig.autoTranscriptionGeneration",
                "space.config.artifactConfig.smartNotesConfig.autoSmartNotesGeneration",
                "settings/meet.automatic_transcription.enabled",
            ),
            "Per meeting through auto_recording (none / cloud) or provider_options['space_config'].",
        ),
        Control.PERSONAL_ROOM_FOR_SCHEDULED: ControlSupport(
            Support.NONE, note="Meet has no personal meeting room: every Calendar event gets its own code."
        ),
        Control.EXTERNAL_PARTICIPANT_WARNING: ControlSupport(
            Support.NATIVE,
            ("org_unit",),
            False,
            ("settings/meet.safety_external_participants.enableExternalLabel",),
            "Org-unit policy; read-only through confkit.",
        ),
    },
)
