"""The report's plots: shin angle per contact, knee and trunk over the gait cycle, contact and
flight times. Each returns a PNG data URI (or None when there is nothing to plot)."""

from __future__ import annotations

import base64
import io
import math

import numpy as np

from ..geometry import pelvis
from ..metrics.angles import angle_from_vertical, flexion_angle
from ..metrics.plausibility import counted
from ..pipeline import Analysis
from .cues import Thresholds

__all__ = ["plot_shin", "gait_cycle_curves", "plot_cycles", "plot_times", "small_multiples", "small_multiples_png",
           "SIDE_COLOUR"]

SIDE_COLOUR = {"left": "#1f77b4", "right": "#d62728"}
_BAND_FILL = {"green": "#2ca02c", "amber": "#ffb000", "red": "#e03232"}


def _fig_png(fig) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, bbox_inches="tight")
    import matplotlib.pyplot as plt

    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def small_multiples(n: int, ncol: int, width: float, row_height: float):
    """A figure with ``n`` panels in rows of ``ncol`` (axes always 2-D); inches."""
    nrow = math.ceil(n / ncol)
    return _plt().subplots(nrow, ncol, figsize=(width, row_height * nrow), squeeze=False)


def small_multiples_png(fig, axes, n: int) -> str:
    """Hide the panels after the first ``n``, lay out, and return the figure as a PNG data URI."""
    for ax in list(axes.flat)[n:]:
        ax.axis("off")
    fig.tight_layout()
    return _fig_png(fig)


def _plt():
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    return plt


def _vals(strides, foot, key):
    pts = [(s["ic_time_s"], s.get(key)) for s in strides if s["foot"] == foot]
    return [(t, v) for t, v in pts if v is not None and math.isfinite(v)]


def plot_shin(analysis: Analysis, t: Thresholds) -> str | None:
    """Shin angle at contact per stride, per foot, over the traffic-light bands."""
    plt = _plt()
    if not any(_vals(analysis.strides, f, "shin_angle_ic_deg") for f in ("left", "right")):
        return None
    fig, ax = plt.subplots(figsize=(9, 3.2))
    ax.axhspan(-30, t.shin_amber_deg, color=_BAND_FILL["green"], alpha=0.10)
    ax.axhspan(t.shin_amber_deg, t.shin_red_deg, color=_BAND_FILL["amber"], alpha=0.15)
    ax.axhspan(t.shin_red_deg, 40, color=_BAND_FILL["red"], alpha=0.10)
    lo, hi = 0.0, t.shin_red_deg + 2
    for foot in ("left", "right"):
        pts = _vals(counted(analysis.strides), foot, "shin_angle_ic_deg")
        if pts:
            x, y = zip(*pts)
            ax.plot(x, y, "o-", ms=4, lw=1, color=SIDE_COLOUR[foot], label=foot)
            lo, hi = min(lo, min(y) - 2), max(hi, max(y) + 2)
    out = [(s["ic_time_s"], s["shin_angle_ic_deg"]) for s in analysis.strides
           if s.get("excluded") and s.get("shin_angle_ic_deg") is not None]
    if out:  # shown where they are, clipped to the axis: they are not part of the runner's values
        x, y = zip(*out)
        ax.plot(x, np.clip(y, lo, hi), "x", ms=6, color="#9a9a9a", label="excluded (implausible)")
    ax.set_ylim(lo, hi)
    ax.set_xlabel("time (s)")
    ax.set_ylabel("shin angle at contact (deg)")
    ax.legend(loc="upper right", fontsize=8)
    ax.grid(alpha=0.3)
    return _fig_png(fig)


def gait_cycle_curves(analysis: Analysis, n: int = 101) -> dict:
    """Knee flexion and trunk angle over the gait cycle, per side.

    Each cycle runs from one initial contact to the next of the same foot, resampled to ``n``
    points (0-100%). Cycles longer than 1.5 x the median are skipped (a missed contact).

    Returns
    -------
    dict
        ``{"knee": {side: (mean, sd, cycles)}, "trunk": {...}, "toe_off_pct": {side: float}}``;
        a side or signal with no complete cycle is left out.
    """
    kp, d = analysis.keypoints, analysis.geometry.direction
    t = kp.time_s
    with np.errstate(invalid="ignore"):
        trunk = angle_from_vertical(kp.midpoint("left_shoulder", "right_shoulder") - pelvis(kp), d, up=True)
    out: dict = {"knee": {}, "trunk": {}, "toe_off_pct": {}}
    grid = np.linspace(0, 1, n)
    for side in ("left", "right"):
        with np.errstate(invalid="ignore"):
            knee = flexion_angle(kp.point(f"{side}_hip"), kp.point(f"{side}_knee"), kp.point(f"{side}_ankle"))
        st = [s for s in counted(analysis.strides) if s["foot"] == side]
        spans = [(a["ic_time_s"], b["ic_time_s"], a.get("contact_time_s")) for a, b in zip(st, st[1:])]
        if not spans:
            continue
        med = float(np.median([b - a for a, b, _ in spans]))
        spans = [s for s in spans if s[1] - s[0] <= 1.5 * med]
        tos = [c / (b - a) * 100 for a, b, c in spans if c]
        if tos:
            out["toe_off_pct"][side] = float(np.median(tos))
        for name, sig in (("knee", knee), ("trunk", trunk)):
            ok = np.isfinite(sig)
            if ok.sum() < 2:
                continue
            cycles = []
            for a, b, _ in spans:
                ts = a + grid * (b - a)
                inside = ok & (t >= a - 1e-9) & (t <= b + 1e-9)
                if inside.sum() >= 0.8 * (b - a) * kp.fps:
                    cycles.append(np.interp(ts, t[ok], sig[ok]))
            if cycles:
                c = np.array(cycles)
                out[name][side] = (c.mean(axis=0), c.std(axis=0), len(cycles))
    return out


def plot_cycles(analysis: Analysis) -> str | None:
    """Knee flexion and trunk lean, mean +/- SD per side, over the normalised gait cycle."""
    curves = gait_cycle_curves(analysis)
    panels = [(k, lab) for k, lab in (("knee", "knee flexion (deg)"), ("trunk", "trunk lean, + forward (deg)"))
              if curves[k]]
    if not panels:
        return None
    plt = _plt()
    fig, axes = plt.subplots(1, len(panels), figsize=(9, 3.4), squeeze=False)
    x = np.linspace(0, 100, 101)
    for ax, (key, label) in zip(axes[0], panels):
        for side, (mean, sd, count) in curves[key].items():
            col = SIDE_COLOUR[side]
            ax.plot(x, mean, color=col, label=f"{side} (n={count})")
            ax.fill_between(x, mean - sd, mean + sd, color=col, alpha=0.2)
            if side in curves["toe_off_pct"]:
                ax.axvline(curves["toe_off_pct"][side], color=col, ls="--", lw=0.8)
        ax.set_xlabel("% gait cycle (contact to contact, same foot)\ndashed = median toe-off", fontsize=8)
        ax.set_ylabel(label)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    return _fig_png(fig)


def plot_times(analysis: Analysis) -> str | None:
    """Contact (solid) and flight (hatched) time per contact, coloured by foot."""
    st = analysis.strides
    if not any(s.get("contact_time_s") for s in st):
        return None
    plt = _plt()
    fig, ax = plt.subplots(figsize=(9, 3.0))
    idx = np.arange(len(st))
    ct = np.array([s.get("contact_time_s") or np.nan for s in st], dtype=float) * 1000
    ft = np.array([s.get("flight_time_s") or np.nan for s in st], dtype=float) * 1000
    cols = ["#bbbbbb" if s.get("excluded") else SIDE_COLOUR[s["foot"]] for s in st]
    ax.bar(idx, np.nan_to_num(ct), color=cols, width=0.8)
    ax.bar(idx, np.nan_to_num(ft), bottom=np.nan_to_num(ct), color=cols, width=0.8, alpha=0.3)
    ax.set_xlabel("contact number (blue = left, red = right, grey = excluded; dark = contact, light = flight)")
    ax.set_ylabel("time (ms)")
    ax.grid(axis="y", alpha=0.3)
    return _fig_png(fig)
