"""The batch ``index.html``: what a clinic opens first (written by :func:`runform.batch.outputs.write_all`,
from its rows' ``summary.csv`` values; this module imports nothing of the batch back).

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

__all__ = ["write_index", "runner_groups", "JUDGED", "file_date"]

#: Session verdicts that count for a runner's summary: the clip was judged.
JUDGED = ("overstriding", "not overstriding", "uncertain")


def _num(v: str) -> float | None:
    try:
        return float(v)
    except ValueError:
        return None


def file_date(path) -> str:
    """A file's date (YYYY-MM-DD, its modification time in UTC); blank when unreadable."""
    try:
        return datetime.fromtimestamp(Path(path).stat().st_mtime, timezone.utc).strftime("%Y-%m-%d")
    except (OSError, ValueError, OverflowError, TypeError):
        return ""


def runner_groups(items: list[dict]) -> list[dict]:
    """Per-runner counts, and medians over the runner's judged sessions only (:data:`JUDGED`).

    ``items`` are the index rows: ``summary.csv`` values plus ``failed`` (bool).
    """
    groups: dict[str, list[dict]] = {}
    for v in items:
        groups.setdefault(v["runner"], []).append(v)
    out = []
    for runner, vals in sorted(groups.items()):
        judged = [v for v in vals if v["verdict"] in JUDGED]

        def med(col):
            xs = [x for x in (_num(v[col]) for v in judged) if x is not None]
            return f"{median(xs):.1f}" if xs else ""
        out.append({"runner": runner or "(no runner)", "n": len(vals), "n_judged": len(judged),
                    "n_failed": sum(bool(v["failed"]) for v in vals),
                    "n_overstriding": sum(v["verdict"] == "overstriding" for v in vals),
                    "cadence": med("cadence_spm"), "shin": med("shin_angle_ic_deg"),
                    "overstride": med("overstride_pct_leg")})
    return out


def write_index(out: Path, items: list[dict], metric_columns: list[str], labels: dict[str, str]) -> Path:
    """A self-contained ``index.html``: sortable tables, runner filter, links to every report.

    ``items``: one dict per input, its ``summary.csv`` values plus ``failed``, ``date``,
    ``verdict_rank`` and ``flags`` (list).
    """
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(loader=PackageLoader("runform.batch", "templates"), autoescape=select_autoescape(["j2", "html"]))
    html = env.get_template("index.html.j2").render(
        rows=items, failures=[v for v in items if v["failed"]], groups=runner_groups(items),
        runners=sorted({v["runner"] for v in items}), metric_columns=metric_columns,
        labels=labels, version=__version__, judged=JUDGED,
        generated=datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        n_failed=sum(bool(v["failed"]) for v in items))
    path = Path(out) / "index.html"
    write_text_atomic(path, html)
    return path
