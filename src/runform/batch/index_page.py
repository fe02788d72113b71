"""The batch ``index.html``: what a clinic opens first.

A compact table (runner, date, input, verdict, shin, overstride, cadence, flags, status) that
fits a laptop screen; every other column one click away (``<details>``); failures in their own
table with the whole message; per-runner medians only from sessions that got a verdict (a
clip with "not enough contacts" or "cannot judge" would pull a runner's median toward noise).
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from statistics import median

from .. import __version__
from ..atomic import write_text_atomic
from .outputs import FAILED, FAILED_UNCHANGED, METRIC_COLUMNS, METRIC_LABELS, OK, SKIPPED, VERDICT_RANK, Row, \
    row_values

__all__ = ["write_index", "runner_groups", "JUDGED", "index_items"]

#: Session verdicts that count for a runner's summary: the clip was judged.
JUDGED = ("overstriding", "not overstriding", "uncertain")


def _num(v: str) -> float | None:
    try:
        return float(v)
    except ValueError:
        return None


def _date(row: Row) -> str:
    """The input file's date (YYYY-MM-DD, its modification time in UTC); blank when unreadable."""
    try:
        return datetime.fromtimestamp(Path(row.job.path).stat().st_mtime, timezone.utc).strftime("%Y-%m-%d")
    except (OSError, ValueError, OverflowError):
        return ""


def runner_groups(rows: list[Row]) -> list[dict]:
    """Per-runner counts, and medians over the runner's judged sessions only (:data:`JUDGED`)."""
    groups: dict[str, list[dict]] = {}
    for r in rows:
        groups.setdefault(r.job.runner, []).append(row_values(r))
    out = []
    for runner, vals in sorted(groups.items()):
        judged = [v for v in vals if v["verdict"] in JUDGED]

        def med(col):
            xs = [x for x in (_num(v[col]) for v in judged) if x is not None]
            return f"{median(xs):.1f}" if xs else ""
        out.append({"runner": runner or "(no runner)", "n": len(vals), "n_judged": len(judged),
                    "n_ok": sum(v["status"] in (OK, SKIPPED) for v in vals),
                    "n_failed": sum(v["status"] in (FAILED, FAILED_UNCHANGED) for v in vals),
                    "n_overstriding": sum(v["verdict"] == "overstriding" for v in vals),
                    "cadence": med("cadence_spm"), "shin": med("shin_angle_ic_deg"),
                    "overstride": med("overstride_pct_leg")})
    return out


def index_items(rows: list[Row]) -> list[dict]:
    """One dict per input: the summary.csv values plus date, verdict rank and flag list."""
    items = []
    for r in rows:
        v = row_values(r)
        v["verdict_rank"] = VERDICT_RANK.get(v["verdict"], 9)
        v["date"] = _date(r)
        v["flags"] = [f for f in v["quality_flags"].split(";") if f]
        v["failed"] = r.failed
        items.append(v)
    return items


def write_index(out: Path, rows: list[Row]) -> Path:
    """A self-contained ``index.html``: sortable tables, runner filter, links to every report."""
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(loader=PackageLoader("runform.batch", "templates"), autoescape=select_autoescape(["j2", "html"]))
    items = index_items(rows)
    html = env.get_template("index.html.j2").render(
        rows=items, failures=[v for v in items if v["failed"]], groups=runner_groups(rows),
        runners=sorted({r.job.runner for r in rows}), metric_columns=[c for c, _, _ in METRIC_COLUMNS],
        labels=METRIC_LABELS, version=__version__, judged=JUDGED,
        generated=datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        n_failed=sum(r.failed for r in rows))
    path = Path(out) / "index.html"
    write_text_atomic(path, html)
    return path
