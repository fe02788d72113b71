"""Before/after statistics: medians, bootstrap intervals, effect sizes, MDC verdicts, cues.

For every metric the unit of resampling is the **contact** (one row of ``contacts``):

* **difference** = median(after) - median(before), with a seeded percentile bootstrap
  95 % interval from :func:`scipy.stats.bootstrap` (independent resampling of the two
  sessions' contacts). The percentile method is used rather than BCa because BCa's
  jackknife acceleration is unstable for medians of small samples with tied values.
* **effect size** = Cliff's delta, P(after > before) - P(after < before) over all pairs of
  contacts, from the Mann-Whitney U statistic (:func:`scipy.stats.mannwhitneyu`):
  ``delta = 2 U / (n_before n_after) - 1``. Ordinal and robust, it suits medians; labels
  follow Romano et al. (2006): |delta| < 0.147 negligible, < 0.33 small, < 0.474 medium,
  else large.
* **real change** only when the interval excludes 0 **and** |difference| exceeds the
  metric's minimal detectable change (:mod:`runform.compare.mdc`); otherwise "within
  noise". The interval says the contacts differ; the MDC says the difference is larger than
  what filming the same runner twice would give.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

from ..classify.model import DECISIVE
from ..report.cues import Thresholds, band_rule_overstriding, overstriding_decision
from ..metrics.registry import REGISTRY, Metric
from .mdc import MDC_SOURCES, MinimalDetectableChange


#: Compared metrics in table order (labels, units, better direction and decimals: the registry's).
#: The overstriding probability is not a row: the verdict line gives it (mean with its interval),
#: and a second figure for it (the median) would disagree in the second decimal.
COMPARED = ("shin_angle_ic_deg", "cadence_spm", "overstride_pct_leg", "overstride_cm",
            "foot_strike_angle_ic_deg", "knee_flexion_ic_deg", "knee_flexion_excursion_deg", "trunk_lean_deg",
            "contact_time_s", "flight_time_s", "duty_factor", "vertical_oscillation_pct_leg")
METRICS: tuple[Metric, ...] = tuple(REGISTRY[name] for name in COMPARED)
SPECS = {m.name: m for m in METRICS}


@dataclass(frozen=True)
class StatsConfig:
    """Settings of the comparison statistics.

    Attributes
    ----------
    seed : int
        Seed of every bootstrap (results are reproducible run to run).
    n_resamples : int
        Bootstrap resamples per interval.
    confidence : float
        Interval level (0.95 = 95 %).
    min_contacts : int
        Fewer measured contacts than this in either session: no interval, "not enough contacts".
    mdc : MinimalDetectableChange
        Thresholds of a real change.
    thresholds : Thresholds
        Coaching thresholds, for the rule-based overstriding verdict when a session has no
        classifier verdict.
    """

    seed: int = 0
    n_resamples: int = 2000
    confidence: float = 0.95
    min_contacts: int = 4
    mdc: MinimalDetectableChange = MinimalDetectableChange()
    thresholds: Thresholds = Thresholds()


def stride_values(contacts: list[dict], key: str) -> np.ndarray:
    """Finite per-contact values of ``key`` over the counted contacts (not ``excluded``);
    cadence is 60 / step time of each contact."""
    out = []
    for s in contacts:
        if s.get("excluded"):
            continue
        if key == "cadence_spm":
            st = s.get("step_time_s")
            v = 60.0 / st if isinstance(st, (int, float)) and st and st > 0 else None
        else:
            v = s.get(key)
        if isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v):
            out.append(float(v))
    return np.asarray(out, dtype=float)


def _median_diff(a, b, axis=-1):
    return np.median(b, axis=axis) - np.median(a, axis=axis)


def _median(a, axis=-1):
    return np.median(a, axis=axis)


def _rng(cfg: StatsConfig, *salt: int) -> np.random.Generator:
    return np.random.default_rng([cfg.seed, *salt])


def median_ci(values: np.ndarray, cfg: StatsConfig = StatsConfig(), salt: int = 0) -> tuple[float, float] | None:
    """Bootstrap interval of one session's median (None with too few contacts)."""
    values = np.asarray(values, float)
    if len(values) < cfg.min_contacts:
        return None
    if np.ptp(values) == 0:
        return float(values[0]), float(values[0])
    res = stats.bootstrap((values,), _median, vectorized=True, n_resamples=cfg.n_resamples,
                          confidence_level=cfg.confidence, method="percentile", rng=_rng(cfg, 1, salt))
    return float(res.confidence_interval.low), float(res.confidence_interval.high)


def cliffs_delta(before: np.ndarray, after: np.ndarray) -> float:
    """Cliff's delta P(after > before) - P(after < before), ties counting half, via Mann-Whitney U."""
    u = stats.mannwhitneyu(after, before, alternative="two-sided").statistic
    return float(2.0 * u / (len(before) * len(after)) - 1.0)


def effect_label(delta: float | None) -> str:
    """Romano et al. (2006) magnitude of a Cliff's delta."""
    if delta is None or not math.isfinite(delta):
        return "-"
    d = abs(delta)
    return "negligible" if d < 0.147 else "small" if d < 0.33 else "medium" if d < 0.474 else "large"


def _direction(spec: Metric, diff: float) -> str:
    if diff == 0:
        return "no change"
    if spec.better is None:
        return "higher" if diff > 0 else "lower"
    good = diff < 0 if spec.better == "lower" else diff > 0
    return "better" if good else "worse"


def compare_metric(spec: Metric, before: np.ndarray, after: np.ndarray,
                   cfg: StatsConfig = StatsConfig(), salt: int = 0) -> dict:
    """One row of the change table.

    Returns
    -------
    dict
        metric, label, unit, better, n_before, n_after, before, after (medians), difference,
        ci95 [lo, hi], cliffs_delta, effect, mdc, mdc_source, excludes_zero, exceeds_mdc,
        classification ("real change" / "within noise" / "not enough contacts"),
        direction ("better"/"worse" for metrics with a preferred direction, else
        "higher"/"lower"; "no change").
    """
    before, after = np.asarray(before, float), np.asarray(after, float)
    mdc = cfg.mdc.get(spec.name)
    row = {"metric": spec.name, "label": spec.label, "unit": spec.unit, "better": spec.better,
           "n_before": int(len(before)), "n_after": int(len(after)),
           "before": float(np.median(before)) if len(before) else None,
           "after": float(np.median(after)) if len(after) else None,
           "difference": None, "ci95": None, "cliffs_delta": None, "effect": "-", "mdc": mdc,
           "mdc_source": MDC_SOURCES.get(spec.name, ""), "excludes_zero": False, "exceeds_mdc": False,
           "classification": "not enough contacts", "direction": "-"}
    if len(before) < cfg.min_contacts or len(after) < cfg.min_contacts:
        return row
    diff = row["after"] - row["before"]
    if np.ptp(before) == 0 and np.ptp(after) == 0:
        lo = hi = diff
    else:
        res = stats.bootstrap((before, after), _median_diff, vectorized=True, paired=False,
                              n_resamples=cfg.n_resamples, confidence_level=cfg.confidence,
                              method="percentile", rng=_rng(cfg, 2, salt))
        lo, hi = float(res.confidence_interval.low), float(res.confidence_interval.high)
    delta = cliffs_delta(before, after)
    excludes = bool(lo > 0 or hi < 0)
    exceeds = bool(mdc is None or abs(diff) > mdc)
    row.update(difference=float(diff), ci95=[lo, hi], cliffs_delta=delta, effect=effect_label(delta),
               excludes_zero=excludes, exceeds_mdc=exceeds,
               classification="real change" if excludes and exceeds else "within noise",
               direction=_direction(spec, diff))
    return row


def session_overstriding(doc: dict, thresholds: Thresholds = Thresholds()) -> dict:
    """The session's overstriding verdict, by the one decision every output shows
    (:func:`runform.report.cues.overstriding_decision`: the classifier's when present, else the
    band rule; "cannot judge" on weak data).

    Returns
    -------
    dict
        verdict ("overstriding", "not overstriding", "uncertain", "not enough contacts",
        "cannot judge"), probability (0-1 or None), ci95 ([lo, hi] or None), n_contacts,
        n_overstriding, text, reason, source ("classifier" or "band rule").
    """
    decision = overstriding_decision(doc.get("contacts") or [], doc.get("quality") or {}, doc.get("overstriding"),
                                     thresholds)
    return _session_row(decision)


def rule_overstriding(doc: dict, thresholds: Thresholds = Thresholds()) -> dict:
    """The band-rule verdict (:func:`runform.report.cues.band_rule_overstriding`), as a second opinion.

    The contacts' classifier probabilities are ignored here, so this is the shin-angle and
    overstride-band rule even when a classifier judged the session.
    """
    return _session_row(band_rule_overstriding(doc.get("contacts") or [], doc.get("quality") or {}, thresholds))


def _session_row(decision: dict) -> dict:
    s = decision["session"]
    return {"verdict": s["verdict"], "probability": s.get("probability"), "ci95": s.get("ci95"),
            "n_contacts": s.get("n_contacts"), "n_overstriding": s.get("n_overstriding"),
            "text": s.get("text", s["verdict"]), "reason": s.get("reason"),
            "source": decision.get("source", "classifier")}


_DECISIVE = DECISIVE


def compare_overstriding(before: dict, after: dict) -> dict:
    """Verdict before vs after.

    A change is called real when both verdicts are decisive, they differ, and the two
    sessions' 95 % intervals of the overstriding probability do not overlap (when given).
    """
    changed = before["verdict"] != after["verdict"]
    decisive = before["verdict"] in _DECISIVE and after["verdict"] in _DECISIVE
    ci_a, ci_b = before.get("ci95"), after.get("ci95")
    apart = True
    if ci_a and ci_b:
        apart = ci_a[1] < ci_b[0] or ci_b[1] < ci_a[0]
    real = bool(changed and decisive and apart)
    pa, pb = before.get("probability"), after.get("probability")
    if not changed:
        text = f"unchanged: {after['verdict']}"
    elif real:
        text = f"{before['verdict']} -> {after['verdict']} (real change)"
    else:
        text = f"{before['verdict']} -> {after['verdict']} (not a clear change: intervals overlap or a verdict is unsure)"
    if pa is not None and pb is not None:
        text += f"; probability {pa:.2f} -> {pb:.2f}"
    return {"before": before, "after": after, "changed": bool(changed), "real_change": real,
            "improved": bool(real and after["verdict"] == "not overstriding"), "text": text}


def _cue_ids(doc: dict) -> dict[str, str]:
    return {c["id"]: c.get("title", c["id"]) for c in doc.get("cues") or [] if isinstance(c, dict) and "id" in c}


def cue_changes(before: dict, after: dict) -> dict:
    """Cues (by id) addressed, remaining, new, and not judged after (withheld for data reasons)."""
    a, b = _cue_ids(before), _cue_ids(after)
    withheld = {w.get("id") for w in after.get("cues_withheld") or [] if isinstance(w, dict)}
    titles = {**a, **b}

    def items(ids):
        return [{"id": i, "title": titles[i]} for i in ids]

    gone = [i for i in a if i not in b]
    return {"addressed": items([i for i in gone if i not in withheld]),
            "not_judged_after": items([i for i in gone if i in withheld]),
            "remaining": items([i for i in a if i in b]),
            "new": items([i for i in b if i not in a])}


def comparison_pairs(n: int) -> list[tuple[int, int, str]]:
    """(from, to, kind): with two sessions one pair; with more, each vs the first and each consecutive."""
    pairs = [(0, j, "vs first") for j in range(1, n)]
    pairs += [(j - 1, j, "consecutive") for j in range(2, n)]
    return pairs


def compare_pair(before: dict, after: dict, cfg: StatsConfig = StatsConfig(), salt: int = 0) -> dict:
    """Every metric row, the overstriding verdicts and the cue changes between two metrics.json docs.

    ``overstriding`` compares the classifier's verdicts (the band rule for a session without
    one); ``overstriding_rule`` always compares the band rule, as a second opinion.
    """
    rows = []
    for k, spec in enumerate(METRICS):
        a, b = stride_values(before.get("contacts") or [], spec.name), stride_values(after.get("contacts") or [], spec.name)
        if len(a) == 0 and len(b) == 0:
            continue
        rows.append(compare_metric(spec, a, b, cfg, salt * 100 + k))
    return {"metrics": rows,
            "overstriding": compare_overstriding(session_overstriding(before, cfg.thresholds),
                                                 session_overstriding(after, cfg.thresholds)),
            "overstriding_rule": compare_overstriding(rule_overstriding(before, cfg.thresholds),
                                                      rule_overstriding(after, cfg.thresholds)),
            "cues": cue_changes(before, after)}


def session_summary(doc: dict, cfg: StatsConfig = StatsConfig(), salt: int = 0) -> dict:
    """Per metric: n, median and the bootstrap interval of the median of one session."""
    out = {}
    for k, spec in enumerate(METRICS):
        v = stride_values(doc.get("contacts") or [], spec.name)
        if len(v):
            ci = median_ci(v, cfg, salt * 100 + k)
            out[spec.name] = {"n": int(len(v)), "median": float(np.median(v)), "ci95": list(ci) if ci else None}
    return out


__all__ = ["METRICS", "SPECS", "StatsConfig", "stride_values", "median_ci", "cliffs_delta",
           "effect_label", "compare_metric", "session_overstriding", "rule_overstriding", "compare_overstriding", "cue_changes",
           "comparison_pairs", "compare_pair", "session_summary"]
