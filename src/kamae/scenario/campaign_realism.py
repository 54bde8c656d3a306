"""Optional realism of the campaign's counterstrike and of the adversary: reconnaissance that
finds launchers, and reconstitution of the launchers destroyed.

Every field here is optional; a campaign that gives none runs exactly as before (the bare
`p_locate` of each force, no repair). The models are in `kamae.campaign.reconnaissance` and
`kamae.campaign.reconstitution`; the sources and the notional status of the parameters are
in docs/campaign.md ("Realism of find-fix-finish").
"""

from __future__ import annotations

from pydantic import Field

from kamae.scenario.base import Identifier, Probability
from kamae.scenario.base import Strict as _Strict


class ReconnaissanceAsset(_Strict):
    """An imaging sensor (satellite constellation, aircraft, drone orbit) searching launch
    areas for mobile launchers.

    Passes come at random times at a mean interval `revisit_h` (a Poisson stream); each pass
    images `coverage_share` of a watched area at a random place and detects a launcher lying
    in the imaged part, and in the open, with probability `p_detect` (Koopman's random
    search; docs/campaign.md).
    """

    id: Identifier
    name: str = Field(default="", description="Display name")
    areas: list[str] = Field(
        default_factory=list,
        description="Area ids it searches (empty: every area of the campaign)",
    )
    revisit_h: float = Field(
        gt=0, le=8760, description="Mean time between two passes over a watched area, h"
    )
    coverage_share: Probability = Field(
        description="Share of a watched area imaged in one pass (swath × length / area)"
    )
    p_detect: Probability = Field(
        description="Probability of detecting and identifying a launcher in the open inside "
        "the imaged part in one pass"
    )
    nation: str = Field(
        default="",
        description="Nation operating it; with a network: section, one of its nations, and "
        "its finds reach the striking nation only where the sharing releases `targeting`",
    )
    lost_from_step: int | None = Field(
        default=None,
        ge=0,
        le=10_000,
        description="First step from which its finds no longer reach the striker (destroyed, "
        "jammed, feed cut); none: the whole campaign",
    )
    source: str = Field(min_length=1, description="Public source of the figures")
    notional: bool = Field(description="True where the figures are estimates, not published")


class Reconstitution(_Strict):
    """The adversary's repair and replacement of destroyed launchers.

    Of each launcher destroyed, a share `repairable_share` enters repair and returns after
    an exponential time of mean `repair_mean_h`; `replacements_per_month` new launchers are
    added at a steady rate (whole launchers, accumulated like interceptor production). A
    returned or new launcher is loaded like the force's surviving launchers.
    """

    repairable_share: Probability = Field(
        default=0.0, description="Share of the destroyed launchers that can be repaired"
    )
    repair_mean_h: float = Field(
        default=72.0, gt=0, le=87600, description="Mean time to repair a launcher, h"
    )
    replacements_per_month: float = Field(
        default=0.0, ge=0, le=10_000, description="New launchers delivered per month"
    )
    source: str = Field(min_length=1, description="Source of the figures (or 'notional')")
