"""Left / right symmetry: medians per side, on shared scales, against the measurement's own noise.

Each metric gets a small panel. Panels of the same unit share one y-span (centred on each
metric's own mean), so 14.1 vs 13.9 deg looks as small as it is next to a real 5 deg gap. A
grey band around the mean shows the measurement's minimal detectable change (MDC95, the
same table ``runform compare`` uses, :mod:`runform.compare.mdc`): when both sides sit inside
the band, the difference is within noise.
"""

from __future__ import annotations

import math

from ..compare.mdc import MinimalDetectableChange
from ..metrics.registry import REGISTRY
from .figures import _SIDE_COLOUR as SIDE_COLOUR, small_multiples, small_multiples_png

__all__ = ["symmetry_rows", "plot_symmetry", "SYMMETRY_METRICS"]

SYMMETRY_METRICS = ("shin_angle_ic_deg", "overstride_pct_leg", "knee_flexion_ic_deg", "knee_flexion_excursion_deg",
                    "foot_strike_angle_ic_deg", "contact_time_s", "flight_time_s", "step_time_s")
#: Ratio-scale metrics, where a symmetry index in % means something (angles near 0 do not).
_SI_METRICS = ("contact_time_s", "flight_time_s", "step_time_s")
#: Times are shown in ms (the same numbers x 1000).
_MS = ("contact_time_s", "flight_time_s", "step_time_s")


def symmetry_rows(summary: dict, names: dict[str, str] | None = None,
                  mdc: MinimalDetectableChange = MinimalDetectableChange()) -> list[dict]:
    """Left and right median/IQR, right - left, the noise (MDC) and, for times, a symmetry index.

    The symmetry index ``|L - R| / mean(L, R) x 100`` is given only for times: for angles
    near zero it explodes, so angles are compared by their difference in degrees. Step time
    has no MDC of its own and takes contact time's (the same event error).
    """
    rows = []
    for m in SYMMETRY_METRICS:
        e = summary.get("metrics", {}).get(m, {})
        left, right = (e.get(f, {}).get("median") for f in ("left", "right"))
        if left is None or right is None:
            continue
        si = None
        if m in _SI_METRICS and left + right > 0:
            si = abs(left - right) / ((left + right) / 2) * 100
        noise = mdc.get(m) if mdc.get(m) is not None else mdc.get("contact_time_s")
        rows.append({"metric": m, "name": (names or {}).get(m, REGISTRY[m].label), "unit": REGISTRY[m].unit,
                     "left": left, "right": right, "diff": right - left, "si": si, "mdc": noise,
                     "beyond_noise": abs(right - left) > noise,
                     "left_iqr": e["left"].get("iqr") or 0.0, "right_iqr": e["right"].get("iqr") or 0.0})
    return rows


def _shown(r: dict) -> tuple[float, str]:
    """(factor, unit) a row is drawn in: times in ms."""
    return (1000.0, "ms") if r["metric"] in _MS else (1.0, r["unit"])


def shared_half_spans(rows: list[dict]) -> dict[str, float]:
    """Half the y-span per displayed unit: wide enough for every panel of that unit (both sides'
    IQR bars and the noise band), so those panels share one scale."""
    spans: dict[str, float] = {}
    for r in rows:
        k, unit = _shown(r)
        need = max(abs(r["diff"]) / 2 + max(r["left_iqr"], r["right_iqr"]) / 2, r["mdc"] / 2) * k
        spans[unit] = max(spans.get(unit, 0.0), need * 1.25)
    return spans


def plot_symmetry(rows: list[dict]) -> str | None:
    """One small panel per metric: left and right median with the IQR as a bar, the MDC band
    around their mean, and the same y-span for every panel of one unit."""
    if not rows:
        return None
    spans = shared_half_spans(rows)
    fig, axes = small_multiples(len(rows), 4, 9, 2.3)
    for ax, r in zip(axes.flat, rows):
        k, unit = _shown(r)
        mid = (r["left"] + r["right"]) / 2 * k
        ax.axhspan(mid - r["mdc"] * k / 2, mid + r["mdc"] * k / 2, color="#9a9a9a", alpha=0.25, lw=0)
        for x, side in ((0, "left"), (1, "right")):
            half = r[f"{side}_iqr"] * k / 2
            ax.errorbar([x], [r[side] * k], yerr=[[half], [half]], fmt="o", color=SIDE_COLOUR[side], capsize=4, ms=6)
        half = spans[unit] if math.isfinite(spans[unit]) and spans[unit] > 0 else 1.0
        ax.set_ylim(mid - half, mid + half)
        ax.set_xlim(-0.6, 1.6)
        ax.set_xticks([0, 1], ["L", "R"])
        ax.set_title(r["name"] + (f" ({unit})" if unit else ""), fontsize=8)
        ax.tick_params(labelsize=7)
        ax.grid(axis="y", alpha=0.3)
    return small_multiples_png(fig, axes, len(rows))
