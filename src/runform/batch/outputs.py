"""The batch-level outputs: ``summary.csv``, ``failures.csv`` and ``index.html`` (all atomic)."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from statistics import median

from .. import __version__
from ..atomic import write_text_atomic
from ..metrics.registry import REGISTRY, fmt
from .discovery import Job

#: Statuses of a summary row.
OK, SKIPPED, FAILED, FAILED_UNCHANGED, NOT_RUN = "ok", "skipped-unchanged", "failed", "failed-unchanged", "not-run"
_COLUMNS = ("cadence_spm", "shin_angle_ic_deg", "overstride_pct_leg", "knee_flexion_ic_deg", "foot_strike_left",
            "foot_strike_right", "contact_time_s", "trunk_lean_deg", "n_contacts_counted")
#: (column, metrics.json summary key, decimals) of the metric columns; decimals are the registry's.
METRIC_COLUMNS = tuple((c, c, REGISTRY[c].decimals if c in REGISTRY else None) for c in _COLUMNS)
SUMMARY_FIELDS = ("id", "runner", "path", "status", *(c for c, _, _ in METRIC_COLUMNS), "verdict",
                  "probability", "quality_flags", "report", "seconds", "error_type", "error")
FAILURE_FIELDS = ("path", "id", "runner", "error_type", "message", "log")
#: Column headers of the metric columns in index.html: the registry's label and unit.
METRIC_LABELS = {**{c: f"{REGISTRY[c].label} ({REGISTRY[c].unit})" for c in _COLUMNS if c in REGISTRY},
                 "foot_strike_left": "strike L", "foot_strike_right": "strike R", "n_contacts_counted": "contacts"}
#: Sort rank of verdicts in index.html: the ones that need a look first.
VERDICT_RANK = {"overstriding": 0, "uncertain": 1, "not overstriding": 2, "not enough contacts": 3, "cannot judge": 4}


@dataclass
class Row:
    """One input's line in the batch outputs."""

    job: Job
    status: str
    seconds: float | None = None
    error_type: str = ""
    error: str = ""
    log: str = ""
    metrics: dict = field(default_factory=dict)
    has_report: bool = False

    @property
    def failed(self) -> bool:
        return self.status in (FAILED, FAILED_UNCHANGED)


def load_metrics(result_dir: Path) -> dict:
    """``metrics.json`` of a finished result, ``{}`` when absent or unreadable."""
    try:
        obj = json.loads((Path(result_dir) / "metrics.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return obj if isinstance(obj, dict) else {}


def _fmt(v, nd):
    if v is None or v == "":
        return ""
    if nd is not None and isinstance(v, (int, float)):
        return f"{v:.{nd}f}"
    return str(v)


def row_values(row: Row) -> dict:
    """The flat ``summary.csv`` values of a row (strings; blanks for unknowns)."""
    s = row.metrics.get("summary") or {}
    session = ((row.metrics.get("overstriding") or {}).get("session") or {}) if row.metrics else {}
    prob = session.get("probability")
    values = {"id": row.job.id, "runner": row.job.runner, "path": row.job.rel, "status": row.status,
              "verdict": session.get("verdict") or "",
              "probability": fmt("overstride_probability", prob, missing=""),
              "quality_flags": ";".join(sorted((row.metrics.get("quality") or {}).keys())),
              "report": f"{row.job.id}/report.html" if row.has_report else "",
              "seconds": f"{row.seconds:.1f}" if row.seconds is not None else "",
              "error_type": row.error_type, "error": row.error, "log": row.log}
    for col, key, nd in METRIC_COLUMNS:
        values[col] = _fmt(s.get(key), nd)
    return values


def _csv_text(fields, records) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=fields, extrasaction="ignore", lineterminator="\n")
    w.writeheader()
    w.writerows(records)
    return buf.getvalue()


def write_summary(out: Path, rows: list[Row]) -> Path:
    path = Path(out) / "summary.csv"
    write_text_atomic(path, _csv_text(SUMMARY_FIELDS, [row_values(r) for r in rows]))
    return path


def write_failures(out: Path, rows: list[Row]) -> Path:
    path = Path(out) / "failures.csv"
    recs = [{"path": r.job.rel, "id": r.job.id, "runner": r.job.runner, "error_type": r.error_type,
             "message": r.error, "log": r.log} for r in rows if r.failed]
    write_text_atomic(path, _csv_text(FAILURE_FIELDS, recs))
    return path


def _num(v: str) -> float | None:
    try:
        return float(v)
    except ValueError:
        return None


def runner_groups(rows: list[Row]) -> list[dict]:
    """Per-runner counts and medians for the index page."""
    groups: dict[str, list[dict]] = {}
    for r in rows:
        groups.setdefault(r.job.runner, []).append(row_values(r))
    out = []
    for runner, vals in sorted(groups.items()):
        def med(col):
            xs = [x for x in (_num(v[col]) for v in vals) if x is not None]
            return f"{median(xs):.1f}" if xs else ""
        out.append({"runner": runner or "(no runner)", "n": len(vals),
                    "n_ok": sum(v["status"] in (OK, SKIPPED) for v in vals),
                    "n_failed": sum(v["status"] in (FAILED, FAILED_UNCHANGED) for v in vals),
                    "n_overstriding": sum(v["verdict"] == "overstriding" for v in vals),
                    "cadence": med("cadence_spm"), "shin": med("shin_angle_ic_deg"),
                    "overstride": med("overstride_pct_leg")})
    return out


def write_index(out: Path, rows: list[Row]) -> Path:
    """A self-contained ``index.html``: sortable table, runner filter, links to every report."""
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(loader=PackageLoader("runform.batch", "templates"), autoescape=select_autoescape(["j2", "html"]))
    items = []
    for r in rows:
        v = row_values(r)
        v["verdict_rank"] = VERDICT_RANK.get(v["verdict"], 9)
        items.append(v)
    html = env.get_template("index.html.j2").render(
        rows=items, groups=runner_groups(rows), runners=sorted({r.job.runner for r in rows}),
        metric_columns=[c for c, _, _ in METRIC_COLUMNS], labels=METRIC_LABELS, version=__version__,
        generated=datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        n_failed=sum(r.failed for r in rows))
    path = Path(out) / "index.html"
    write_text_atomic(path, html)
    return path


def write_all(out: Path, rows: list[Row]) -> dict[str, Path]:
    """Write the three batch outputs; returns their paths."""
    return {"summary": write_summary(out, rows), "failures": write_failures(out, rows),
            "index": write_index(out, rows)}
