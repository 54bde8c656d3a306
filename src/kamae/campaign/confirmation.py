"""When the attack counts as confirmed: the gate of the counterstrike rule of engagement.

The network layer (attack-confirmation messages over the C2 network) is not built yet. Until
it is, confirmation is the first launch plus the scenario's `confirmation_delay_h`
(`DelayedConfirmation`). A later network model supplies the time through the same
interface: any object with `confirmed_at_h(first_launch_h)`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


class AttackConfirmation(Protocol):
    """Supplies the campaign time (h) at which the attack is confirmed."""

    def confirmed_at_h(self, first_launch_h: float) -> float:
        """Time the network confirms that an attack has begun, h from the campaign start."""
        ...


@dataclass(frozen=True)
class DelayedConfirmation:
    """Stand-in for the network: confirmation a fixed delay after the first launch."""

    delay_h: float

    def confirmed_at_h(self, first_launch_h: float) -> float:
        return first_launch_h + self.delay_h
