"""What each metric column is called where a person reads it: terminal tables, report tables,
chart legends. One table for every command; a column not listed reads as its name with the
underscores as spaces, and per-type columns (`fired.sm-6`, `stock.pac-3-mse`) read with their
type's name first."""

from __future__ import annotations

LABELS: dict[str, str] = {
    "threats_launched": "threats launched",
    "threats_intercepted": "threats intercepted",
    "threats_leaked": "threats leaked (expected leakers)",
    "threats_leaked_effective": "leakers landing within lethal radius",
    "no_leak": "P(no leaker)",
    "p_no_leak": "P(no leaker)",
    "interceptors_fired": "interceptors fired",
    "interceptors_at_destroyed": "interceptors fired at threats already killed",
    "interceptor_cost_musd": "interceptor cost fired, M USD",
    "threats_engaged": "threats engaged",
    "threat_cost_engaged_musd": "cost of the threats engaged, M USD",
    "tracks_diverged": "tracks diverged",
    "false_plots": "false plots (clutter, noise)",
    "false_tracks": "tentative false tracks started",
    "false_tracks_confirmed": "false tracks confirmed",
    "plots_misassociated": "plots misassociated",
    "early_warning_reports": "early-warning reports",
    "siap_completeness": "SIAP completeness",
    "siap_ambiguity": "SIAP ambiguity",
    "siap_spuriousness": "SIAP spuriousness",
    "siap_position_error_m": "SIAP position error, m",
    "gospa_m": "GOSPA, m",
    "track_messages": "track messages sent",
    "track_messages_lost": "track messages lost",
    "track_plots_stale": "plots dropped as stale",
    "attack_confirmed": "attack confirmed",
    "track_reports_shared": "track reports shared",
    "track_plots_late": "late plots retrodicted",
    "picture_duplicates": "picture: duplicate tracks held aside",
    "picture_merges": "picture: tracks merged",
    "picture_promotions": "picture: held-aside tracks promoted",
    "picture_unbelieved": "picture: remote tracks not yet believed",
    "picture_tracks_diverged": "picture: tracks diverged",
    "picture_tracks_coasted": "picture: tracks coasted out",
    "deceptive_reports": "deceptive reports",
    "deceptive_believed": "deceptive reports believed",
    "deceptive_rejected": "deceptive reports rejected",
    "picture_completeness": "picture completeness",
    "picture_ambiguity": "picture ambiguity",
    "picture_spuriousness": "picture spuriousness",
    "picture_position_error_m": "picture position error, m",
    "picture_decision_error_m": "picture: error of the tracks decided on, m",
    "objects_engaged": "objects engaged (warheads, decoys, debris)",
    "decoys_engaged": "decoys engaged",
    "debris_engaged": "debris engaged",
    "interceptors_at_decoys_and_debris": "interceptors at decoys and debris",
    "sensors_destroyed": "sensors destroyed",
    "fire_units_destroyed": "fire units destroyed",
    "missiles_launched": "missiles launched (campaign)",
    "leakers": "leakers (campaign)",
    "launchers_destroyed": "launchers destroyed (campaign)",
    "strike_missiles_fired": "strike missiles fired (campaign)",
    "launchers_alive_at_end": "launchers alive at the end (campaign)",
    "launchers_alive": "launchers alive",
    "wrecks_struck": "unassessed wrecks struck again (campaign)",
    "launchers_returned": "launchers repaired or replaced (campaign)",
}
"""Labels of the metric columns (replication tables, campaign tables, summaries)."""

PER_TYPE = {
    "fired.": "{} fired",
    "engaged_without_cost.": "{} engaged (no assumed cost)",
    "stock.": "{} in stock",
}
"""Per-type column prefixes and how their labels read (`{}`: the type's name)."""


def metric_label(name: str) -> str:
    """A metric column's label (see the module's docstring)."""
    if name in LABELS:
        return LABELS[name]
    for prefix, text in PER_TYPE.items():
        if name.startswith(prefix):
            return text.format(name.removeprefix(prefix))
    return name.replace("_", " ")
