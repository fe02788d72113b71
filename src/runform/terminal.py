"""What the commands print: the rich consoles, progress bars, the summary table and one-line errors.

Shared by every command (``analyze``, ``demo``, ``batch``, ``compare``, ``train``) and by the
batch worker's log, so that no module has to import :mod:`runform.cli` back.
"""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from .errors import RunformError
from .metrics.registry import TABLE_METRICS, fmt

console = Console(stderr=False)
err_console = Console(stderr=True)


@contextmanager
def progress_bar(description: str) -> Iterator[Callable[[int, int], None]]:
    """A transient rich bar on stderr; yields ``update(done, total)`` (``total`` 0 = unknown)."""
    bar = Progress(TextColumn("[progress.description]{task.description}"), BarColumn(),
                   TextColumn("{task.completed}/{task.total} frames"), TimeRemainingColumn(),
                   console=err_console, transient=True)
    with bar:
        task = bar.add_task(description, total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total or None)


def print_summary(analysis, paths: dict, decision: dict) -> None:
    """The metrics table, the overstriding decision, quality flags and output paths.

    ``decision`` is :func:`runform.report.verdict.overstriding_decision`; a verdict that
    cannot be given prints why, and no probability or interval.
    """
    s = analysis.summary
    table = Table(title=f"runform: {Path(analysis.input.path).name}")
    for name, justify in (("metric", "left"), ("median", "right"), ("left", "right"), ("right", "right"),
                          ("unit", "left")):
        table.add_column(name, justify=justify)
    for m in TABLE_METRICS:
        per = s.get("metrics", {}).get(m.name, {})
        table.add_row(m.label, fmt(m, s.get(m.name)), fmt(m, per.get("left", {}).get("median")),
                      fmt(m, per.get("right", {}).get("median")), m.unit)
    table.add_row("Foot strike", "", str(s.get("foot_strike_left") or "-"), str(s.get("foot_strike_right") or "-"), "")
    n_all = s.get("n_contacts_found")
    counted = f"{s.get('n_contacts_counted')}" + (f" of {n_all}" if n_all != s.get("n_contacts_counted") else "")
    table.add_row("Contacts counted", counted, "", "", "")
    console.print(table)
    session = decision["session"]
    by = " (by the shin-angle and overstride bands; no classifier)" if decision.get("source") == "band rule" else ""
    if session["verdict"] == "cannot judge":
        console.print(f"overstriding, session: cannot judge: {escape(str(session['reason']))}{by}")
    else:
        for who in ("left", "right", "session"):
            g = decision[who]
            ci = f" (95% interval {g['ci95'][0]:.2f}-{g['ci95'][1]:.2f})" if g.get("ci95") else ""
            console.print(f"overstriding, {who}: {g['text']}{ci}{by if who == 'session' else ''}")
    if analysis.input.capture_fps_source == "file metadata":
        console.print(f"capture rate: {analysis.input.capture_fps:g} fps from the file's metadata "
                      f"(the file plays at {analysis.input.file_fps:g}); --capture-fps overrides it")
    for name, text in analysis.quality.items():
        console.print(f"[yellow]quality:[/yellow] {name}: {escape(text)}")
    for name, path in paths.items():
        console.print(f"{name}: {path}")


def print_cues(cues: dict) -> None:
    """The cues given (title, finding, cue) and why others were withheld."""
    for i, cue in enumerate(cues.get("cues", []), 1):
        f = cue["finding"]
        console.print(f"[bold]cue {i}: {cue['title']}[/bold] ({f.get('value_text', '')}, {f.get('contacts_supporting', '')})")
        console.print(f"  {cue['cue']}")
    for w in cues.get("withheld", []):
        console.print(f"[yellow]no cue:[/yellow] {w.get('reason', w)}")


def print_run(result) -> None:
    """Everything ``runform analyze`` prints after a finished :class:`runform.app.AnalysisRun`."""
    print_summary(result.analysis, result.paths, result.decision)
    print_cues(result.cues)


def error_line(err: BaseException) -> str:
    """``str(err)`` on one line (a message must never spill over several)."""
    return " ".join(str(err).split()) or type(err).__name__


def fail(err: Exception) -> None:
    """Print ``err`` as one line on stderr and exit with its code (70 for an internal error).

    ``RUNFORM_DEBUG=1`` re-raises instead, for the traceback.
    """
    if os.environ.get("RUNFORM_DEBUG"):
        raise err
    # soft_wrap: rich wraps at 80 columns when stderr is not a terminal; a log line must stay one line.
    if isinstance(err, RunformError):
        err_console.print(f"[red]error:[/red] {escape(error_line(err))}", highlight=False, soft_wrap=True)
        sys.exit(err.exit_code)
    err_console.print(f"[red]internal error:[/red] {type(err).__name__}: {escape(error_line(err))} "
                      "(set RUNFORM_DEBUG=1 for details)", highlight=False, soft_wrap=True)
    sys.exit(70)
