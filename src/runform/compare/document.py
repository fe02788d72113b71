"""The machine-readable comparison: ``compare.json`` (versioned) and ``compare.csv``.

compare.json
    ``schema_version``, ``runform_version``, ``settings`` (seed, resamples, interval and
    effect-size methods, the real-change rule), ``mdc`` ({metric: {value, source}}),
    ``sessions`` (per session: index, label, folder, source type, fps, contacts, quality
    flags, overstriding verdict, cue ids, and per metric n / median / 95 % interval),
    ``comparisons`` (per pair: from, to, kind, metric rows, overstriding, overstriding_rule,
    cues), ``headline`` (index of the first-vs-last comparison), ``warnings``, ``outputs``.
compare.csv
    One row per comparison and metric (the columns of :data:`CSV_COLUMNS`).
"""

from __future__ import annotations

import csv
import io
import json

from .. import __version__
from ..atomic import write_text_atomic
from ..output import json_safe
from .mdc import MDC_SOURCES
from .sessions import Session
from .stats import StatsConfig, compare_pair, comparison_pairs, session_overstriding, session_summary

#: Bumped when a field changes meaning or is removed (adding fields does not bump it).
COMPARE_SCHEMA_VERSION = "1.0"

CSV_COLUMNS = ("from_session", "to_session", "kind", "metric", "unit", "better", "n_before", "n_after",
               "before_median", "after_median", "difference", "ci_low", "ci_high", "cliffs_delta", "effect",
               "mdc", "excludes_zero", "exceeds_mdc", "classification", "direction")


def _warnings(sessions: list[Session]) -> list[str]:
    out = []
    kinds = {s.source_type for s in sessions}
    if len(kinds) > 1:
        out.append(f"the sessions mix input types ({', '.join(sorted(kinds))}): differences include the measurement method")
    fps = [s.fps for s in sessions if s.fps]
    if fps and max(fps) > 1.5 * min(fps):
        out.append(f"frame rates differ ({min(fps):.0f}-{max(fps):.0f} fps): angles at contact are sampled differently")
    dirs = {(s.metrics.get("runner") or {}).get("direction") for s in sessions} - {None}
    if len(dirs) > 1:
        out.append("the runner faces different ways in different sessions: film the same side each time")
    for s in sessions:
        for flag, text in (s.metrics.get("quality") or {}).items():
            out.append(f"session {s.label}: {flag}: {text}")
    return out


def build_document(sessions: list[Session], cfg: StatsConfig = StatsConfig()) -> dict:
    """Every statistic of the comparison, JSON-ready (see the module docstring)."""
    pairs = comparison_pairs(len(sessions))
    comparisons = []
    for k, (i, j, kind) in enumerate(pairs):
        res = compare_pair(sessions[i].metrics, sessions[j].metrics, cfg, salt=k)
        comparisons.append({"from": i, "to": j, "from_label": sessions[i].label, "to_label": sessions[j].label,
                            "kind": kind, **res})
    headline = next(k for k, (i, j, _) in enumerate(pairs) if i == 0 and j == len(sessions) - 1)
    return json_safe({
        "schema_version": COMPARE_SCHEMA_VERSION,
        "runform_version": __version__,
        "settings": {
            "seed": cfg.seed, "n_resamples": cfg.n_resamples, "confidence": cfg.confidence,
            "min_contacts": cfg.min_contacts,
            "difference": "median(after) - median(before) over contacts",
            "interval": "percentile bootstrap over contacts (scipy.stats.bootstrap, sessions resampled independently)",
            "effect_size": "Cliff's delta = P(after > before) - P(after < before); Romano et al. 2006 labels",
            "real_change_rule": "the interval excludes 0 and |difference| > MDC",
        },
        "mdc": {m: {"value": v, "source": MDC_SOURCES.get(m, "")} for m, v in cfg.mdc.as_dict().items()},
        "sessions": [{
            "index": s.index, "label": s.label, "argument": str(s.argument), "folder": str(s.folder),
            "analyzed_now": s.analyzed_now, "source_type": s.source_type, "fps": s.fps,
            "input_path": (s.metrics.get("input") or {}).get("path"), "n_contacts": len(s.counted_contacts),
            "quality": s.metrics.get("quality") or {},
            "overstriding": session_overstriding(s.metrics, cfg.thresholds),
            "cues": [c.get("id") for c in s.metrics.get("cues") or [] if isinstance(c, dict)],
            "metrics": session_summary(s.metrics, cfg, salt=s.index),
        } for s in sessions],
        "comparisons": comparisons,
        "headline": headline,
        "warnings": _warnings(sessions),
        "outputs": {},
    })


def compare_csv(doc: dict) -> str:
    """``compare.csv`` text: one row per comparison and metric."""
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, lineterminator="\n")
    w.writeheader()
    for c in doc["comparisons"]:
        for r in c["metrics"]:
            ci = r.get("ci95") or [None, None]
            row = {"from_session": c["from_label"], "to_session": c["to_label"], "kind": c["kind"],
                   "before_median": r["before"], "after_median": r["after"], "ci_low": ci[0], "ci_high": ci[1],
                   **{k: r.get(k) for k in ("metric", "unit", "better", "n_before", "n_after", "difference",
                                            "cliffs_delta", "effect", "mdc", "excludes_zero", "exceeds_mdc",
                                            "classification", "direction")}}
            w.writerow({k: "" if v is None else v for k, v in row.items()})
    return buf.getvalue()


def write_document(doc: dict, out_dir) -> dict:
    """Write compare.csv and compare.json (last) atomically; return their paths."""
    from pathlib import Path

    out_dir = Path(out_dir)
    paths = {"csv": out_dir / "compare.csv", "json": out_dir / "compare.json"}
    write_text_atomic(paths["csv"], compare_csv(doc))
    write_text_atomic(paths["json"], json.dumps(json_safe(doc), indent=1))
    return paths


__all__ = ["COMPARE_SCHEMA_VERSION", "CSV_COLUMNS", "build_document", "compare_csv", "write_document"]
