"""Zoom: Server-to-Server OAuth, users, meetings, account settings and locks.

Modules: ``provider`` (the Provider and its settings), ``auth`` (S2S OAuth via authlib),
``wire`` (Zoom JSON models), ``mapping`` (pure Zoom <-> neutral functions), ``errors`` (Zoom body
codes -> confkit errors), ``limits`` (rate-limit labels per plan), ``capabilities``.
"""

from confkit.providers.zoom.provider import ZoomProvider, ZoomSettings, encode_meeting_id

__all__ = ["ZoomProvider", "ZoomSettings", "encode_meeting_id"]
