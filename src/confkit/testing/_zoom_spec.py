"""Zoom's API as FakeZoom needs it, transcribed from the official OpenAPI description
(``specs/zoom/zoom-meeting-api.json``) and the research notes (``notes/zoom.md`` §3, §5).

* request shapes (for :func:`confkit.testing._fake.validate`): field names, types, enums and lengths
  of the request bodies FakeZoom accepts;
* response field sets: what each operation's response schema allows, so nothing else is sent;
* rate limits per plan and label, and Zoom's exact 429 messages;
* the account settings and locked settings a fresh FakeZoom starts with: realistic values whose
  keys and types all exist in the GET and PATCH schemas of ``/accounts/{accountId}/settings``.
"""

from __future__ import annotations

from typing import Any

from confkit.testing._fake import ANY, Int, Shape, Str

# -- limits (notes/zoom.md §5) ----------------------------------------------------------------------

LIGHT, MEDIUM, HEAVY = "Light", "Medium", "Heavy"
PER_SECOND: dict[str, dict[str, int]] = {
    "free": {LIGHT: 4, MEDIUM: 2, HEAVY: 1},
    "pro": {LIGHT: 30, MEDIUM: 20, HEAVY: 10},
    "business": {LIGHT: 80, MEDIUM: 60, HEAVY: 40},
}
DAILY: dict[str, dict[str, int]] = {
    "free": {LIGHT: 6000, MEDIUM: 2000, HEAVY: 1000},
    "pro": {HEAVY: 30000},
    "business": {HEAVY: 60000},
}
PLAN_ALIASES = {"education": "business", "enterprise": "business", "basic": "free"}
MEETING_WRITES_PER_HOST_PER_DAY = 100
PAGE_TOKEN_TTL = 15 * 60  # seconds (notes §5)
MAX_OCCURRENCES = 60

QPS_MESSAGE = "You have reached the maximum per-second rate limit for this API. Try again later."
# Zoom's rate-limits page wording for the account daily limit; not quoted in the shared notes.
DAILY_MESSAGE = (
    "You have reached the maximum daily rate limit for this API. Refer to the response header for details "
    "on when you can make another request."
)
HOST_DAILY_MESSAGE = (
    "You have exceeded the daily rate limit (100) of Meeting Create/Update API requests permitted for this "
    "particular user. You may resume these requests at GMT 00:00:00."
)
SCOPES = " ".join(f"{thing}:{verb}:admin" for thing in ("account", "meeting", "user") for verb in ("read", "write"))
DEFAULT_TIMEZONE = "America/New_York"
WEB = "https://us06web.zoom.us"

# -- request shapes (copied from the spec's request schemas) -----------------------------------------

ENUM_1_7 = (1, 2, 3, 4, 5, 6, 7)
PASSCODE = Str(10, r"[A-Za-z0-9@\-_*]*")
EMAIL = Str(128, r"[^@\s]+@[^@\s]+\.[^@\s]+")
PLAN_UNITED = tuple(str(2**i) for i in range(18))

USER_CREATE: Shape = {
    "action": ("create", "autoCreate", "custCreate", "ssoCreate"),
    "user_info": {
        "email": EMAIL,
        "type": (1, 2, 99),
        "first_name": Str(64),
        "last_name": Str(64),
        "display_name": Str(128),
        "password": Str(32),
        "feature": {"zoom_phone": bool, "zoom_one_type": (16, 32, 64, 128, 33554432)},
        "plan_united_type": PLAN_UNITED,
    },
}
USER_STATUS: Shape = {"action": ("activate", "deactivate", "clock_in", "clock_out")}

RECURRENCE: Shape = {
    "type": (1, 2, 3),
    "repeat_interval": Int(1),
    # The spec lists "1".."7" as an enum but documents comma-separated days ("2,4"): both accepted.
    "weekly_days": Str(pattern=r"[1-7](,[1-7])*"),
    "monthly_day": Int(1, 31),
    "monthly_week": (-1, 1, 2, 3, 4),
    "monthly_week_day": ENUM_1_7,
    "end_times": Int(1, 60),
    "end_date_time": str,
}
INTERPRETERS = [{"email": str, "languages": str}]
MEETING_SETTINGS: Shape = {
    "additional_data_center_regions": [str],
    "allow_multiple_devices": bool,
    "alternative_hosts": str,
    "alternative_hosts_email_notification": bool,
    "approval_type": (0, 1, 2),
    "approved_or_denied_countries_or_regions": {
        "approved_list": [str], "denied_list": [str], "enable": bool, "method": ("approve", "deny"),
    },
    "audio": ("both", "telephony", "voip", "thirdParty"),
    "audio_conference_info": Str(2048),
    "authentication_domains": str,
    "authentication_exception": [{"email": str, "name": str}],
    "authentication_option": str,
    "auto_recording": ("local", "cloud", "none"),
    "breakout_room": {"enable": bool, "rooms": [{"name": str, "participants": [str]}]},
    "calendar_type": (1, 2),
    "close_registration": bool,
    "cn_meeting": bool,
    "contact_email": str,
    "contact_name": str,
    "email_notification": bool,
    "encryption_type": ("enhanced_encryption", "e2ee"),
    "focus_mode": bool,
    "global_dial_in_countries": [str],
    "host_video": bool,
    "in_meeting": bool,
    "jbh_time": (0, 5, 10),
    "join_before_host": bool,
    "language_interpretation": {"enable": bool, "interpreters": INTERPRETERS},
    "sign_language_interpretation": {"enable": bool, "interpreters": [{"email": str, "sign_language": str}]},
    "meeting_authentication": bool,
    "meeting_invitees": [{"email": str}],
    "mute_upon_entry": bool,
    "participant_video": bool,
    "private_meeting": bool,
    "registrants_confirmation_email": bool,
    "registrants_email_notification": bool,
    "registration_type": (1, 2, 3),
    "show_share_button": bool,
    "use_pmi": bool,
    "waiting_room": bool,
    "watermark": bool,
    "host_save_video_order": bool,
    "alternative_host_update_polls": bool,
    "internal_meeting": bool,
    "continuous_meeting_chat": {"enable": bool, "auto_add_invited_external_users": bool},
    "participant_focused_meeting": bool,
    "push_change_to_calendar": bool,
    "resources": [
        {"resource_type": ("whiteboard",), "resource_id": str, "permission_level": ("editor", "commenter", "viewer")}
    ],
}
MEETING_CREATE: Shape = {
    "agenda": Str(2000),
    "default_password": bool,
    "duration": Int(0),
    "password": PASSCODE,
    "pre_schedule": bool,
    "recurrence": RECURRENCE,
    "schedule_for": str,
    "settings": MEETING_SETTINGS,
    "start_time": str,
    "template_id": str,
    "timezone": str,
    "topic": Str(200),
    "tracking_fields": [{"field": str, "value": str}],
    "type": (1, 2, 3, 8),
}
_UPDATE_SETTINGS = {
    k: v for k, v in MEETING_SETTINGS.items() if k not in {"additional_data_center_regions", "push_change_to_calendar"}
}
_UPDATE_SETTINGS |= {
    "authentication_exception": [{"email": str, "name": str, "join_url": str}],
    "authentication_name": str,
    "custom_keys": [{"key": Str(64), "value": Str(256)}],
    "enforce_login": bool,
    "enforce_login_domains": str,
    "global_dial_in_numbers": [ANY],
}
MEETING_UPDATE: Shape = {k: v for k, v in MEETING_CREATE.items() if k != "default_password"} | {
    "settings": _UPDATE_SETTINGS
}
OCCURRENCE_UPDATE: Shape = {
    "agenda": Str(2000),
    "start_time": str,
    "duration": Int(0),
    "settings": {
        k: bool
        for k in ("host_video", "participant_video", "join_before_host", "mute_upon_entry", "waiting_room", "watermark")
    }
    | {"auto_recording": ("local", "cloud", "none")},
}
#: Settings accepted on write that GET /meetings/{meetingId} does not return.
WRITE_ONLY_SETTINGS = frozenset({"meeting_invitees", "additional_data_center_regions"})
UNMODELLED_OPTIONS = ("meeting_authentication", "recording_authentication")


# -- response fields (the spec's response schemas) ---------------------------------------------------

USER_FIELDS = frozenset({
    "id", "created_at", "dept", "email", "first_name", "last_client_version", "last_login_time", "last_name", "pmi",
    "role_name", "timezone", "type", "use_pmi", "display_name", "account_id", "account_number", "cms_user_id",
    "company", "user_created_at", "custom_attributes", "employee_unique_id", "group_ids", "im_group_ids", "jid",
    "job_title", "language", "location", "login_types", "manager", "personal_meeting_url", "phone_country",
    "phone_number", "phone_numbers", "pic_url", "plan_united_type", "pronouns", "pronouns_option", "role_id",
    "status", "vanity_url", "verified", "cluster", "zoom_one_type",
})
#: Fields of a GET /users list item; ``host_key`` and ``custom_attributes`` only on ``include_fields``.
USER_LIST_FIELDS = frozenset({
    "user_created_at", "created_at", "dept", "email", "employee_unique_id", "first_name", "group_ids", "id",
    "im_group_ids", "last_client_version", "last_login_time", "last_name", "plan_united_type", "pmi", "role_id",
    "status", "timezone", "type", "verified", "display_name",
})
MEETING_LIST_FIELDS = ("uuid", "id", "host_id", "topic", "type", "start_time", "duration", "timezone", "agenda",
                       "created_at", "join_url")
#: Fields of GET /meetings/{meetingId} that the spec's 201 response of POST .../meetings lacks.
CREATE_OMITS = frozenset({"uuid", "host_id", "status", "encrypted_password"})
#: Zoom's order of the fields of a meeting (JSON objects are unordered; this only reads better).
MEETING_FIELD_ORDER = (
    "uuid", "id", "host_id", "host_email", "assistant_id", "topic", "type", "status", "start_time", "duration",
    "timezone", "agenda", "created_at", "start_url", "join_url", "password", "h323_password", "encrypted_password",
    "pre_schedule", "tracking_fields", "occurrences", "settings", "recurrence",
)
ROLES = {"0": "Owner", "1": "Admin", "2": "Member"}

# -- account defaults: realistic values, every key and type from the spec's schemas ------------------


def _passcode_rules() -> dict[str, Any]:
    return {
        "length": 6, "have_letter": False, "have_number": False, "have_special_character": False,
        "have_upper_and_lower_characters": False, "only_allow_numeric": False,
        "consecutive_characters_length": 0, "weak_enhance_detection": False,
    }


def default_account_settings() -> dict[str, dict[str, Any]]:
    """A fresh copy of the account settings FakeZoom starts with (an education/business account)."""
    return {
        "schedule_meeting": {
            "host_video": False, "participant_video": False, "audio_type": "both", "join_before_host": False,
            "jbh_time": 0, "enforce_login": False, "enforce_login_with_domains": False, "enforce_login_domains": "",
            "not_store_meeting_topic": False, "force_pmi_jbh_password": False,
            "require_password_for_scheduling_new_meetings": True, "require_password_for_scheduled_meetings": False,
            "require_password_for_instant_meetings": True, "require_password_for_pmi_meetings": "all",
            "use_pmi_for_scheduled_meetings": False, "use_pmi_for_instant_meetings": False, "personal_meeting": True,
            "allow_host_to_disable_participant_video": True, "enable_dedicated_group_chat": False,
            "meeting_password_requirement": _passcode_rules(),
            "always_display_zoom_meeting_as_topic": {"enable": False, "display_topic_for_scheduled_meetings": False},
            "hide_meeting_description": {"enable": False, "hide_description_for_scheduled_meetings": False},
            "continuous_meeting_chat": {
                "enable": False, "can_add_external_users": False, "auto_add_invited_external_users": False,
            },
        },
        "in_meeting": {
            "e2e_encryption": False, "chat": True, "private_chat": True, "auto_saving_chat": False,
            "entry_exit_chime": "none", "feedback": False, "post_meeting_feedback": False, "file_transfer": True,
            "co_host": True, "polling": True, "attendee_on_hold": False, "annotation": True, "remote_control": True,
            "non_verbal_feedback": True, "breakout_room": True, "remote_support": False, "closed_caption": True,
            "group_hd": False, "far_end_camera_control": False, "virtual_background": True, "alert_guest_join": True,
            "auto_answer": False, "screen_sharing": True, "who_can_share_screen": "host",
            "who_can_share_screen_when_someone_is_sharing": "host", "participants_share_simultaneously": "one",
            "disable_screen_sharing_for_host_meetings": False, "disable_screen_sharing_for_in_meeting_guests": False,
            "allow_participants_to_rename": True, "allow_participants_chat_with": 4, "allow_users_save_chats": 2,
            "allow_show_zoom_windows": False, "attention_mode_focus_mode": False,
            "allow_host_to_enable_focus_mode": False, "whiteboard": True,
            "request_permission_to_unmute_participants": False, "meeting_reactions": True,
            "allow_live_streaming": False, "watermark": False, "join_from_desktop": True, "join_from_mobile": True,
            "show_a_join_from_your_browser_link": True, "show_meeting_control_toolbar": False, "slide_control": False,
            "stereo_audio": False, "original_audio": True, "sending_default_email_invites": False,
            "use_html_format_email": False, "record_play_own_voice": False, "custom_data_center_regions": False,
            "dscp_marking": False, "meeting_survey": False, "meeting_question_answer": False,
        },
        "email_notification": {
            "jbh_reminder": True, "cancel_meeting_reminder": True, "alternative_host_reminder": True,
            "schedule_for_reminder": True, "low_host_count_reminder": False, "cloud_recording_available_reminder": True,
            "recording_available_reminder_schedulers": True, "recording_available_reminder_alternative_hosts": False,
        },
        "recording": {
            "local_recording": True, "cloud_recording": True, "auto_recording": "none", "record_speaker_view": True,
            "record_gallery_view": True, "record_audio_file": True, "save_chat_text": True, "show_timestamp": True,
            "recording_audio_transcript": False, "auto_delete_cmr": False, "auto_delete_cmr_days": 30,
            "recording_disclaimer": True, "cloud_recording_download": True, "cloud_recording_download_host": True,
            "account_user_access_recording": False, "host_delete_cloud_recording": True,
            "prevent_host_access_recording": False, "required_password_for_shared_cloud_recordings": False,
            "ip_address_access_control": {"enable": False, "ip_addresses_or_ranges": ""},
        },
        "security": {
            "admin_change_name_pic": False, "admin_change_user_info": False, "hide_billing_info": False,
            "import_photos_from_devices": True,
            "password_requirement": {
                "minimum_password_length": 8, "have_special_character": False, "consecutive_characters_length": 0,
                "weak_enhance_detection": False,
            },
            "sign_again_period_for_inactivity_on_client": 0, "sign_again_period_for_inactivity_on_web": 0,
            "sign_in_with_two_factor_auth": "none",
            "signin_with_sso": {"enable": False, "require_sso_for_domains": False, "domains": []},
        },
        "feature": {"meeting_capacity": 300},
        "telephony": {"third_party_audio": False, "audio_conference_info": ""},
        "meeting_security": {
            "auto_security": True, "waiting_room": True,
            "waiting_room_settings": {
                "participants_to_place_in_waiting_room": 0,
                "users_who_can_admit_participants_from_waiting_room": 0,
                "whitelisted_domains_for_waiting_room": "",
            },
            "meeting_password": True, "require_password_for_scheduled_meeting": False, "pmi_password": True,
            "phone_password": False, "webinar_password": False, "require_password_for_scheduled_webinar": False,
            "meeting_password_requirement": _passcode_rules(), "embed_password_in_join_link": True,
            "only_authenticated_can_join_from_webclient": False, "block_user_domain": False,
            "block_user_domain_list": [], "chat_etiquette_tool": {"enable": False, "policies": []},
            "encryption_type": "enhanced_encryption", "end_to_end_encrypted_meetings": False,
        },
    }


def default_lock_settings() -> dict[str, dict[str, Any]]:
    """A fresh copy of the locked settings FakeZoom starts with: nothing locked."""
    keys = {
        "schedule_meeting": "host_video participant_video audio_type join_before_host meeting_authentication "
        "embed_password_in_join_link enforce_login enforce_login_with_domains not_store_meeting_topic "
        "require_password_for_scheduling_new_meetings require_password_for_instant_meetings "
        "require_password_for_pmi_meetings use_pmi_for_instant_meetings use_pmi_for_scheduled_meetings "
        "continuous_meeting_chat",
        "in_meeting": "chat private_chat file_transfer screen_sharing annotation whiteboard remote_control "
        "breakout_room co_host polling e2e_encryption alert_guest_join auto_saving_chat non_verbal_feedback feedback "
        "attention_mode_focus_mode request_permission_to_unmute_participants virtual_background closed_caption "
        "allow_live_streaming disable_screen_sharing_for_host_meetings disable_screen_sharing_for_in_meeting_guests",
        "email_notification": "alternative_host_reminder cancel_meeting_reminder cloud_recording_available_reminder "
        "jbh_reminder schedule_for_reminder",
        "recording": "local_recording cloud_recording auto_recording cloud_recording_download "
        "host_delete_cloud_recording auto_delete_cmr account_user_access_recording prevent_host_access_recording "
        "ip_address_access_control "
        "recording_authentication archive",
        "meeting_security": "auto_security waiting_room meeting_password pmi_password phone_password webinar_password "
        "embed_password_in_join_link only_authenticated_can_join_from_webclient block_user_domain chat_etiquette_tool "
        "encryption_type end_to_end_encrypted_meetings approved_or_denied_countries_or_regions",
    }
    return {section: dict.fromkeys(names.split(), False) for section, names in keys.items()}


#: Sections returned only for one ``option`` of GET /accounts/{accountId}/settings (or lock_settings).
OPTION_SECTIONS = frozenset({"meeting_security"})
PASSCODE_RULES = _passcode_rules()
SETTINGS_ENUMS: dict[str, Shape] = {
    "schedule_meeting.audio_type": ("both", "telephony", "voip", "thirdParty"),
    "schedule_meeting.jbh_time": (0, 5, 10, 15),
    "schedule_meeting.require_password_for_pmi_meetings": ("jbh_only", "all", "none"),
    "schedule_meeting.meeting_password_requirement.consecutive_characters_length": (0, 4, 5, 6, 7, 8),
    "schedule_meeting.meeting_password_requirement.length": Int(0, 10),
    "meeting_security.meeting_password_requirement.consecutive_characters_length": (0, 4, 5, 6, 7, 8),
    "meeting_security.meeting_password_requirement.length": Int(0, 10),
    "meeting_security.encryption_type": ("enhanced_encryption", "e2ee"),
    "meeting_security.waiting_room_settings.participants_to_place_in_waiting_room": (0, 1, 2),
    "meeting_security.waiting_room_settings.users_who_can_admit_participants_from_waiting_room": (0, 1),
    "meeting_security.block_user_domain_list": [Str(30)],
    "in_meeting.who_can_share_screen": ("host", "all"),
    "in_meeting.who_can_share_screen_when_someone_is_sharing": ("host", "all"),
    "in_meeting.participants_share_simultaneously": ("multiple", "one"),
    "in_meeting.allow_participants_chat_with": (1, 2, 3, 4),
    "in_meeting.allow_users_save_chats": (1, 2, 3),
    "in_meeting.entry_exit_chime": ("host", "all", "none"),
    "recording.auto_recording": ("local", "cloud", "none"),
    "recording.auto_delete_cmr_days": (30, 60, 90, 120),
    "security.sign_in_with_two_factor_auth": ("all", "group", "role", "none"),
    "security.password_requirement.minimum_password_length": Int(8, 14),
    "security.signin_with_sso.domains": [str],
}


# -- audit logs and reports (spec: /report/*, /past_meetings/*; notes/zoom.md §4) ---------------------

HEAVY_REPORTS = ("/report/activities", "/report/operationlogs", "/report/users")
REPORT_PAGE_MAX = 300
REPORT_MONTHS_BACK = 6  # "The specified date range should fall within the last six months."
PAST_MEETING_DAYS = 365  # 12702 "Can not access a meeting a year ago."
#: ``category_type`` of GET /report/operationlogs: the query takes these lower-case names, the
#: response carries Title Case (notes §4: ``Account``, ``User``, ``User Group``, ``Role``, ``Zoom Rooms``).
OPERATION_CATEGORIES: dict[str, str] = {
    "user": "User",
    "user_settings": "User Settings",
    "account": "Account",
    "billing": "Billing",
    "im": "IM",
    "recording": "Recording",
    "phone_contacts": "Phone Contacts",
    "webinar": "Webinar",
    "sub_account": "Sub Account",
    "role": "Role",
    "zoom_rooms": "Zoom Rooms",
}
#: Title Case categories the query's lower-case names select ("user_group" has no filter of its own).
OPERATION_CATEGORY_OF: dict[str, str] = {v: k for k, v in OPERATION_CATEGORIES.items()} | {"User Group": "user"}
ACTIVITY_TYPES = ("Sign in", "Sign out")
ACTIVITY_FIELDS = ("email", "time", "type", "ip_address", "client_type", "version")
OPERATION_FIELDS = ("time", "operator", "category_type", "action", "operation_detail")
PARTICIPANT_FIELDS = ("id", "user_id", "name", "user_email", "join_time", "leave_time", "duration", "failover",
                      "status")
REPORT_MEETING_FIELDS = (
    "uuid", "id", "type", "topic", "user_name", "user_email", "start_time", "end_time", "duration", "total_minutes",
    "participants_count", "participants_count_my_account", "source", "has_screen_share", "has_recording",
    "has_chat", "meeting_encryption_status",
)
PAST_MEETING_FIELDS = ("id", "uuid", "duration", "start_time", "end_time", "host_id", "dept", "participants_count",
                       "source", "topic", "total_minutes", "type", "user_email", "user_name")
# Messages: "Only provide report in recent 6 months" is the spec-old wording (notes §4); the other
# two are confkit's own (Zoom's exact wording for them is not documented).
RECENT_MONTHS_MESSAGE = "Only provide report in recent 6 months"
ONE_MONTH_MESSAGE = "The date range must not exceed one month."
FROM_AFTER_TO_MESSAGE = "The from date must not be later than the to date."
YEAR_AGO_MESSAGE = "Can not access a meeting a year ago."
#: ``type`` of a webinar instance in ``/report/users/{userId}/meetings`` (zoom-meeting-api.json): 5 a webinar,
#: 6 recurring without a fixed time, 9 recurring with one. Their participants are ``/past_webinars/...``.
WEBINAR_TYPES = frozenset({5, 6, 9})
NO_PERMISSION_MESSAGE = "No permission."
CLIENT_TYPES = ("Browser", "Windows", "Mac", "iOS", "Android", "Chrome OS")
CLIENT_VERSIONS = ("5.17.11.34827", "6.0.2.4680", "6.1.0.198", "6.2.5.55719")
