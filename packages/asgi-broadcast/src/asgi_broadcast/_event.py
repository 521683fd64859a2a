"""The one value a subscriber receives."""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Event:
    """A message published on a channel."""

    channel: str
    message: str
