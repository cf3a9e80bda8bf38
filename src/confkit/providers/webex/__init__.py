"""Webex: integration / service-app / personal-token auth, people, meetings and site settings.

Modules: ``provider`` (the Provider and its settings), ``auth`` (OAuth via authlib, rotating refresh
tokens kept in confkit's token store), ``wire`` (Webex JSON models), ``mapping`` (pure Webex <->
neutral functions, recurrence rules included), ``errors`` (Webex error bodies -> confkit errors),
``paging`` (Link-header pages and their repair), ``limits`` (rate limits, page sizes) and
``capabilities``.
"""

from confkit.providers.webex.provider import DEFAULT_BASE_URL, USGOV_BASE_URL, WebexProvider, WebexSettings

__all__ = ["DEFAULT_BASE_URL", "USGOV_BASE_URL", "WebexProvider", "WebexSettings"]
