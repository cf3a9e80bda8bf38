"""Models of Zoom's JSON, field names exactly as in Zoom's OpenAPI description.

Unknown fields are kept (``extra="allow"``) so a newer Zoom field is never dropped.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict


class _Wire(BaseModel):
    model_config = ConfigDict(extra="allow")


class ZoomUser(_Wire):
    id: str | None = None  # pending users have no id
    email: str
    first_name: str | None = None
    last_name: str | None = None
    display_name: str | None = None
    type: int | None = None  # 1 Basic, 2 Licensed, 4 No Meeting License, 99 None
    status: str | None = None  # active | inactive | pending
    role_id: str | None = None
    role_name: str | None = None
    group_ids: list[str] | None = None
    timezone: str | None = None
    created_at: str | None = None
    user_created_at: str | None = None
    dept: str | None = None


class ZoomUserList(_Wire):
    next_page_token: str | None = None
    page_size: int | None = None
    total_records: int | None = None
    users: list[dict[str, Any]] = []


class ZoomRecurrence(_Wire):
    type: int  # 1 daily, 2 weekly, 3 monthly
    repeat_interval: int | None = None
    weekly_days: str | None = None  # "1".."7" comma separated, 1 = Sunday
    monthly_day: int | None = None
    monthly_week: int | None = None  # -1, 1..4
    monthly_week_day: int | None = None  # 1..7, 1 = Sunday
    end_times: int | None = None
    end_date_time: str | None = None


class ZoomMeetingSettings(_Wire):
    waiting_room: bool | None = None
    join_before_host: bool | None = None
    jbh_time: int | None = None
    meeting_authentication: bool | None = None
    authentication_option: str | None = None
    authentication_domains: str | None = None
    mute_upon_entry: bool | None = None
    auto_recording: str | None = None
    use_pmi: bool | None = None


class ZoomMeeting(_Wire):
    id: int
    uuid: str | None = None
    host_id: str | None = None
    host_email: str | None = None
    topic: str = ""
    type: int = 2  # 1 instant, 2 scheduled, 3 recurring no fixed time, 8 recurring fixed time
    start_time: str | None = None
    duration: int | None = None
    timezone: str | None = None
    agenda: str | None = None
    created_at: str | None = None
    join_url: str | None = None
    password: str | None = None
    recurrence: ZoomRecurrence | None = None
    settings: ZoomMeetingSettings | None = None


class ZoomMeetingList(_Wire):
    next_page_token: str | None = None
    page_size: int | None = None
    total_records: int | None = None
    meetings: list[dict[str, Any]] = []
