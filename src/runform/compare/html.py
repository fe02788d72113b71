"""``compare.html``: one self-contained file in the style of the single-session report.

Plots are inline PNGs (matplotlib), key frames inline JPEGs; user strings are escaped by
Jinja2 autoescape.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from jinja2 import Environment, PackageLoader, select_autoescape

from .. import __version__
from ..atomic import write_text_atomic
from ..report.html import small_multiples, small_multiples_png
from .sessions import Session
from .stats import SPECS, stride_values

_COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#17becf")


def _fmt(v, nd: int = 1) -> str:
    if v is None or (isinstance(v, float) and not np.isfinite(v)):
        return "-"
    return f"{float(v):.{nd}f}"


def _status(row: dict) -> str:
    """CSS class of a row: good/bad for a real change with a preferred direction, noise otherwise."""
    if row["classification"] != "real change":
        return "noise"
    return {"better": "good", "worse": "bad"}.get(row["direction"], "changed")


def _robust_ylim(ax, groups: list[np.ndarray]) -> None:
    """Y limits from the 2nd-98th percentile of all contacts, so one missed contact cannot squash the plot."""
    v = np.concatenate([g for g in groups if len(g)]) if any(len(g) for g in groups) else np.array([])
    if len(v) < 5:
        return
    lo, hi = np.percentile(v, [2, 98])
    pad = 0.25 * (hi - lo) if hi > lo else max(1e-3, 0.05 * abs(hi))
    ax.set_ylim(lo - pad, hi + pad)
    ax.set_autoscaley_on(False)


def plot_metrics(doc: dict, sessions: list[Session]) -> str | None:
    """Per metric: every contact of every session (dots), the median and its 95 % interval."""
    head = doc["comparisons"][doc["headline"]]
    rows = [r for r in head["metrics"] if r["classification"] != "not enough contacts"]
    if not rows:
        return None
    fig, axes = small_multiples(len(rows), 3, 9.5, 2.6)
    rng = np.random.default_rng(0)
    for ax, r in zip(axes.flat, rows):
        _robust_ylim(ax, [stride_values(s.counted_contacts, r["metric"]) for s in sessions])
        for s in sessions:
            v = stride_values(s.counted_contacts, r["metric"])
            col = _COLOURS[s.index % len(_COLOURS)]
            if len(v):
                ax.plot(s.index + rng.uniform(-0.18, 0.18, len(v)), v, "o", ms=3, alpha=0.35, color=col)
            summ = doc["sessions"][s.index]["metrics"].get(r["metric"])
            if summ:
                ci = summ.get("ci95") or [summ["median"], summ["median"]]
                ax.errorbar([s.index], [summ["median"]], yerr=[[summ["median"] - ci[0]], [ci[1] - summ["median"]]],
                            fmt="D", color="k", ms=6, capsize=5, lw=2, zorder=5)
        spec = SPECS[r["metric"]]
        unit = f" ({spec.unit})" if spec.unit else ""
        d, ci = r["difference"], r["ci95"]
        ax.set_title(f"{spec.label}{unit}\nchange {d:+.{spec.decimals}f} [{ci[0]:+.{spec.decimals}f}, "
                     f"{ci[1]:+.{spec.decimals}f}]: {r['classification']}", fontsize=8,
                     color={"good": "#1a7f1a", "bad": "#b00020", "changed": "#1d2330"}.get(_status(r), "#5b6475"))
        ax.set_xticks([s.index for s in sessions], [str(s.index + 1) for s in sessions])
        ax.set_xlim(-0.6, len(sessions) - 0.4)
        ax.tick_params(labelsize=7)
        ax.grid(axis="y", alpha=0.3)
    return small_multiples_png(fig, axes, len(rows))


def plot_trend(doc: dict) -> str | None:
    """With more than two sessions: each metric's median and interval per session, +/- MDC around session 1."""
    sessions = doc["sessions"]
    if len(sessions) < 3:
        return None
    keys = [k for k in SPECS if all(k in s["metrics"] for s in sessions)]
    if not keys:
        return None
    fig, axes = small_multiples(len(keys), 3, 9.5, 2.4)
    x = np.arange(1, len(sessions) + 1)
    for ax, k in zip(axes.flat, keys):
        med = np.array([s["metrics"][k]["median"] for s in sessions])
        lo = np.array([(s["metrics"][k]["ci95"] or [m, m])[0] for s, m in zip(sessions, med)])
        hi = np.array([(s["metrics"][k]["ci95"] or [m, m])[1] for s, m in zip(sessions, med)])
        mdc = doc["mdc"].get(k, {}).get("value")
        if mdc:
            ax.axhspan(med[0] - mdc, med[0] + mdc, color="#9a9a9a", alpha=0.18, label="session 1 +/- MDC")
        ax.errorbar(x, med, yerr=[med - lo, hi - med], fmt="o-", capsize=4, color="#1f77b4")
        spec = SPECS[k]
        ax.set_title(spec.label + (f" ({spec.unit})" if spec.unit else ""), fontsize=8)
        ax.set_xticks(x)
        ax.tick_params(labelsize=7)
        ax.grid(alpha=0.3)
    axes.flat[0].legend(fontsize=7)
    fig.supxlabel("session", fontsize=8)
    return small_multiples_png(fig, axes, len(keys))


def _env() -> Environment:
    return Environment(loader=PackageLoader("runform.compare", "templates"),
                       autoescape=select_autoescape(default=True, default_for_string=True))


def _table(comparison: dict) -> list[dict]:
    rows = []
    for r in comparison["metrics"]:
        nd = SPECS[r["metric"]].decimals
        ci = r.get("ci95")
        rows.append({**r, "css": _status(r), "before_t": _fmt(r["before"], nd), "after_t": _fmt(r["after"], nd),
                     "diff_t": "-" if r["difference"] is None else f"{r['difference']:+.{nd}f}",
                     "ci_t": "-" if not ci else f"[{ci[0]:+.{nd}f}, {ci[1]:+.{nd}f}]",
                     "delta_t": "-" if r["cliffs_delta"] is None else f"{r['cliffs_delta']:+.2f} ({r['effect']})",
                     "mdc_t": _fmt(r["mdc"], max(nd, 1) if r["mdc"] and r["mdc"] < 1 else 1)})
    return rows


def render_compare(doc: dict, sessions: list[Session], key_frames: list[dict] | None = None,
                   video_note: str = "", video_name: str | None = None) -> str:
    """The compare.html text."""
    head = doc["comparisons"][doc["headline"]]
    real = [r for r in head["metrics"] if r["classification"] == "real change"]
    return _env().get_template("compare.html.j2").render(
        version=__version__, doc=doc, sessions=doc["sessions"], head=head,
        head_rows=_table(head), others=[(c, _table(c)) for k, c in enumerate(doc["comparisons"]) if k != doc["headline"]],
        n_real=len(real), better=[r for r in real if r["direction"] == "better"],
        worse=[r for r in real if r["direction"] == "worse"],
        plots={"metrics": plot_metrics(doc, sessions), "trend": plot_trend(doc)},
        frames=key_frames or [], video_note=video_note, video_name=video_name, fmt=_fmt,
    )


def write_compare_html(doc: dict, sessions: list[Session], out_path: Path, **kwargs) -> Path:
    """Render and write compare.html atomically."""
    out_path = Path(out_path)
    write_text_atomic(out_path, render_compare(doc, sessions, **kwargs))
    return out_path


__all__ = ["render_compare", "write_compare_html", "plot_metrics", "plot_trend"]
