"""``confkit meetings ...``"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import typer

from confkit.cli.common import guarded, out, session
from confkit.cli.options import CONFIG, FORMAT, PROVIDER, PROVIDERS, SANDBOX
from confkit.cli.output import Format, dump, render
from confkit.errors import ConfigurationError
from confkit.models import Meeting, MeetingCreate, MeetingSecurity, UserStatus, WaitingRoom
from confkit.recurrence import Recurrence

app = typer.Typer(help="Meetings on each platform.", no_args_is_help=True)

COLUMNS = [
    ("provider", "Provider"),
    ("id", "Id"),
    ("topic", "Topic"),
    ("host_email", "Host"),
    ("start_time", "Start"),
    ("recurrence", "Recurrence"),
    ("passcode", "Passcode"),
    ("waiting_room", "Waiting room"),
    ("join_before_host", "Join before host"),
    ("mute_on_entry", "Mute on entry"),
]


def row(meeting: Meeting) -> dict[str, Any]:
    data = dump(meeting)
    sec = meeting.security
    data["recurrence"] = meeting.recurrence.rrule if meeting.recurrence else None
    data["passcode"] = None if sec.passcode_required is None else ("set" if sec.passcode_required else "none")
    data["waiting_room"] = sec.waiting_room.value if sec.waiting_room else None
    data["join_before_host"] = sec.join_before_host
    data["mute_on_entry"] = sec.mute_on_entry
    return data


@app.command("list")
@guarded
def list_meetings(
    host: str | None = typer.Option(None, "--host", help="Host id or email; default: every active user."),
    details: bool = typer.Option(
        False, "--details", help="Fetch each meeting for its security settings (one more call per meeting)."
    ),
    provider: list[str] | None = PROVIDERS,
    fmt: Format = FORMAT,
    config: str | None = CONFIG,
    sandbox: bool = SANDBOX,
) -> None:
    """List upcoming meetings of one host, or of every active user."""
    with session(config, sandbox) as s:
        names = s.names(provider)

        def rows() -> Iterator[dict[str, Any]]:
            for name in names:
                conn = s.connect(name)
                hosts = [host] if host else [u.id or u.email for u in conn.list_users(status=UserStatus.ACTIVE)]
                for h in hosts:
                    for meeting in conn.list_meetings(h):
                        yield row(conn.get_meeting(meeting.id) if details else meeting)

        render(out, rows(), COLUMNS, fmt, title="Upcoming meetings")


@app.command("show")
@guarded
def show(
    meeting_id: str = typer.Argument(..., help="The provider's meeting id."),
    provider: str = PROVIDER,
    fmt: Format = FORMAT,
    raw: bool = typer.Option(False, "--raw", help="With --format json: include the vendor's JSON (secrets masked)."),
    config: str | None = CONFIG,
    sandbox: bool = SANDBOX,
) -> None:
    """Show one meeting."""
    with session(config, sandbox) as s:
        s.names([provider])
        meeting = s.connect(provider).get_meeting(meeting_id)
        if fmt is Format.JSON:
            data = dump(meeting, raw=raw)
            if raw:
                data["raw"] = _mask(data.get("raw"))
            render(out, [data], COLUMNS, fmt)
        else:
            render(out, [row(meeting)], COLUMNS, fmt, title="Meeting")


SECRET_FIELDS = {
    "password",
    "h323_password",
    "pstn_password",
    "encrypted_password",
    "start_url",
    "hostKey",
    "phoneAndVideoSystemPassword",
    "panelistPassword",
    "phoneAndVideoSystemPanelistPassword",
}


def _mask(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: ("********" if k in SECRET_FIELDS and v else _mask(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [_mask(v) for v in value]
    return value


@app.command("create")
@guarded
def create(
    host: str = typer.Option(..., "--host", help="Host id or email."),
    topic: str = typer.Option(..., "--topic"),
    start: datetime | None = typer.Option(
        None, "--start", help="ISO start time with offset, e.g. 2026-09-02T09:00:00-05:00."
    ),
    duration: int = typer.Option(60, "--duration", min=1, help="Minutes."),
    timezone: str | None = typer.Option(None, "--timezone", help="IANA time zone, e.g. America/Chicago."),
    rrule: str | None = typer.Option(None, "--rrule", help="RFC 5545 rule, e.g. FREQ=WEEKLY;BYDAY=MO,WE;COUNT=10."),
    passcode_required: bool | None = typer.Option(
        None, "--passcode/--no-passcode", help="Require a generated passcode."
    ),
    waiting_room: WaitingRoom | None = typer.Option(None, "--waiting-room", help="Who waits to be admitted."),
    join_before_host: bool | None = typer.Option(None, "--join-before-host/--no-join-before-host"),
    mute_on_entry: bool | None = typer.Option(None, "--mute-on-entry/--no-mute-on-entry"),
    authenticated_only: bool | None = typer.Option(None, "--authenticated-only/--anyone-can-join"),
    provider: str = PROVIDER,
    fmt: Format = FORMAT,
    config: str | None = CONFIG,
    sandbox: bool = SANDBOX,
) -> None:
    """Create a meeting (validated against the platform's limits before anything is sent)."""
    if start is not None and start.tzinfo is None:
        raise ConfigurationError("--start needs a UTC offset, e.g. 2026-09-02T09:00:00-05:00 or ...Z")
    try:
        recurrence = Recurrence.parse(rrule) if rrule else None
    except ValueError as exc:
        raise ConfigurationError(f"--rrule: {exc}") from None
    data = MeetingCreate(
        topic=topic,
        start_time=start,
        duration_minutes=duration,
        timezone=timezone,
        recurrence=recurrence,
        security=MeetingSecurity(
            passcode_required=passcode_required,
            waiting_room=waiting_room,
            join_before_host=join_before_host,
            mute_on_entry=mute_on_entry,
            authenticated_only=authenticated_only,
        ),
    )
    with session(config, sandbox) as s:
        s.names([provider])
        meeting = s.connect(provider).create_meeting(host, data)
        render(out, [row(meeting)], COLUMNS, fmt, title="Created")


@app.command("delete")
@guarded
def delete(
    meeting_id: str = typer.Argument(..., help="The provider's meeting id."),
    provider: str = PROVIDER,
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation."),
    config: str | None = CONFIG,
    sandbox: bool = SANDBOX,
) -> None:
    """Delete a meeting (asks first unless --yes)."""
    if not yes and not typer.confirm(f"Delete {provider} meeting {meeting_id}?", default=False):
        raise typer.Exit(1)
    with session(config, sandbox) as s:
        s.names([provider])
        s.connect(provider).delete_meeting(meeting_id)
        out.print(f"deleted {provider} meeting {meeting_id}")
