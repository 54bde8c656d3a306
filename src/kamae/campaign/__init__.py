"""Campaigns over days: launcher forces, interceptor stocks, resupply, counterstrike and range
coverage (see docs/campaign.md)."""

from kamae.campaign.confirmation import (
    AttackConfirmation,
    DelayedConfirmation,
    NetworkConfirmation,
    network_confirmation,
)
from kamae.campaign.coverage import Coverage, Site, coverage, range_ring
from kamae.campaign.plan import CampaignPlan, build_plan
from kamae.campaign.run import CampaignResult, run_campaign

__all__ = [
    "AttackConfirmation",
    "CampaignPlan",
    "CampaignResult",
    "Coverage",
    "DelayedConfirmation",
    "NetworkConfirmation",
    "Site",
    "build_plan",
    "coverage",
    "network_confirmation",
    "range_ring",
    "run_campaign",
]
