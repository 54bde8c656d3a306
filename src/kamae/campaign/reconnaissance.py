"""Find and fix from reconnaissance: the probability that a mobile launcher is located in a
campaign step, from the sensors that search its launch area.

The time-critical-targeting problem of the 1991 "Scud hunt" (Gulf War Air Power Survey,
Keaney & Cohen, Summary Report, 1993, on the hunt for mobile launchers): a launcher can be
seen only while it is in the open, which is briefly, when it fires (shoot and scoot) and
when it moves between hides; the rest of the time it is hidden and no pass finds it.

Model: Koopman's random search (B. O. Koopman, "Search and Screening", 1946/1980; A. R.
Washburn, "Search and Detection", 4th ed., INFORMS 2002, ch. 2; Washburn & Kress,
"Combat Modeling", Springer 2009, ch. 7). Asset a passes over the area at the times of a
Poisson stream of rate 1/revisit_h; a pass images a share c_a of the area at a place
independent of the launcher's (uniform dispersal) and detects a launcher in the imaged part
with probability pd_a, if the launcher is then in the open. A launcher in the open for E
hours of the step is therefore seen by a Poisson number of passes of mean
E · Σ_a c_a · pd_a / revisit_a (thinning of a Poisson stream), and located in the step with

    p = 1 − exp(−E · Σ_a c_a · pd_a / revisit_a),

with E = min(step_h, salvos fired × exposed_h_per_salvo + exposed_h_per_step). This is
Koopman's random-search formula p = 1 − exp(−W·v·t / A) with the sweep W·v·t / A replaced
by the imaged share per pass times the passes while in the open. A launcher that fires no
salvo in a step is exposed only `exposed_h_per_step`. Periodic (not random) passes detect
more, 1 − (1 − c·pd)^n ≥ 1 − exp(−n·c·pd): random search is the conservative end.

Whose finds count (`ReconnaissanceFeed`): with a `network:` section, an asset's finds
reach the striking nation (`counterstrike.nation`) when the asset is that nation's or the
network's sharing releases `targeting` from its nation to the striker; when the attack was
confirmed by the rules' `national` fallback (the allies' nodes cut for the whole run), only
`fallback_nations`' assets report; an asset reports nothing from its `lost_from_step` on.
The sum runs over the assets that report in the step: with none, p = 0 (a watched force is
found by reconnaissance or not at all; its `p_locate` is not used).

Neglected: cueing of the search by the launch's own detection (space infrared, radar back-
tracking of the trajectory), decoys and false alarms, a searcher's revisit of the same
ground (passes are independent), weather and night for optical sensors (fold them into
p_detect), more than one launcher per image, and the delay of a find's report over the
network (the strike's `targeting_latency_h` holds it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from kamae.arrays import FloatArray
from kamae.campaign.confirmation import FallbackConfirmation
from kamae.scenario.campaign import Campaign, LauncherForce, watching
from kamae.scenario.campaign_realism import ReconnaissanceAsset
from kamae.scenario.model import Scenario


@dataclass(frozen=True)
class ReconnaissanceFeed:
    """Which assets' finds reach the striking nation: every asset but those in `cut`, each
    until its `lost_from_step`."""

    cut: Mapping[str, str] = field(default_factory=dict)
    """Asset id → why its finds never reach the striker."""

    def reports(self, asset: ReconnaissanceAsset, step: int) -> bool:
        """Whether the asset's finds reach the striker in this step."""
        return asset.id not in self.cut and (
            asset.lost_from_step is None or step < asset.lost_from_step
        )


def reconnaissance_feed(scenario: Scenario, confirmation: object = None) -> ReconnaissanceFeed:
    """The feed of a scenario's reconnaissance to its striking nation, given the attack
    confirmation used (a `FallbackConfirmation` that used `national` cuts the allies)."""
    c, net = scenario.campaign, scenario.network
    if c is None or net is None or c.counterstrike is None or c.counterstrike.nation is None:
        return ReconnaissanceFeed()
    striker = c.counterstrike.nation
    released = {striker} | {
        r.from_nation for r in net.sharing if r.to_nation == striker and "targeting" in r.kinds
    }
    national = (
        confirmation.nations
        if isinstance(confirmation, FallbackConfirmation) and confirmation.used == "national"
        else None
    )
    cut: dict[str, str] = {}
    for a in c.reconnaissance:
        if a.nation not in released:
            cut[a.id] = f"{a.nation} releases no targeting to {striker} (network.sharing)"
        elif national is not None and a.nation not in national:
            cut[a.id] = (
                "allied feed cut: the attack was confirmed by the national fallback "
                f"({', '.join(national)} only)"
            )
    return ReconnaissanceFeed(cut)


def search_rate_per_h(
    campaign: Campaign,
    force: LauncherForce,
    feed: ReconnaissanceFeed | None = None,
    step: int = 0,
) -> float:
    """Σ_a c_a · pd_a / revisit_a over the assets searching the force's area whose finds
    reach the striker in the step: the mean number of detecting passes per hour that a
    launcher in the open receives."""
    feed = feed or ReconnaissanceFeed()
    return sum(
        a.coverage_share * a.p_detect / a.revisit_h
        for a in watching(campaign, force)
        if feed.reports(a, step)
    )


def exposed_hours(force: LauncherForce, salvos_fired: FloatArray, step_h: float) -> FloatArray:
    """Hours of the step a launcher spends in the open, per replication."""
    per_salvo = force.exposed_h_per_salvo or 0.0
    hours = np.asarray(salvos_fired, dtype=float) * per_salvo + force.exposed_h_per_step
    return np.minimum(hours, step_h)


def random_search_p(rate_per_h: float, exposed_h: FloatArray) -> FloatArray:
    """Koopman's random search: 1 − exp(−rate · exposure)."""
    return -np.expm1(-rate_per_h * np.asarray(exposed_h, dtype=float))


def locate_probability(
    campaign: Campaign,
    force: LauncherForce,
    salvos_fired: FloatArray,
    feed: ReconnaissanceFeed | None = None,
    step: int = 0,
) -> FloatArray:
    """Per replication: the probability of locating one of the force's launchers in the
    step, from the reconnaissance that watches the force's area and reports (`feed`), else
    the force's p_locate when none watches it."""
    salvos = np.asarray(salvos_fired, dtype=float)
    if not watching(campaign, force):
        return np.full(salvos.shape, force.p_locate)
    rate = search_rate_per_h(campaign, force, feed, step)
    return random_search_p(rate, exposed_hours(force, salvos, campaign.step_h))


def reconnaissance_summary(
    campaign: Campaign, feed: ReconnaissanceFeed | None = None
) -> dict[str, object]:
    """Per watched force: its search rate and the locate probability per step when it fires
    one salvo and when it fires none, at the first step (summary.json); the assets whose
    finds do not reach the striker, and from which step others stop."""
    feed = feed or ReconnaissanceFeed()
    out: dict[str, object] = {}
    for f in campaign.forces:
        assets = watching(campaign, f)
        if not assets:
            continue
        rate = search_rate_per_h(campaign, f, feed, 0)
        one, none = (
            float(random_search_p(rate, exposed_hours(f, np.array([s]), campaign.step_h))[0])
            for s in (1.0, 0.0)
        )
        entry: dict[str, object] = {
            "assets": [a.id for a in assets],
            "detecting_passes_per_h_in_the_open": rate,
            "p_locate_one_salvo": one,
            "p_locate_no_salvo": none,
            "model": "random search (Koopman): 1 - exp(-exposed_h * sum(c * pd / revisit_h))",
        }
        cut = {a.id: feed.cut[a.id] for a in assets if a.id in feed.cut}
        if cut:
            entry["assets_cut"] = cut
        lost = {a.id: a.lost_from_step for a in assets if a.lost_from_step is not None}
        if lost:
            entry["assets_lost_from_step"] = lost
        out[f.id] = entry
    return out
