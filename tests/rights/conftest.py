"""The loopback SMTP server of the mail tests, for requests whose code goes by mail."""

from notify.conftest import Relay, relay

__all__ = ["Relay", "relay"]
