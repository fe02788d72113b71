"""``runform train LABELS.csv --out my_model.onnx``: a clinic retrains from its own labelled footage.

LABELS.csv (UTF-8, header row) has one row per labelled video or contact:

``path``
    A ``metrics.json`` written by ``runform analyze``, or an input to analyze (video,
    ``.trc``, OpenPose folder). Relative paths are relative to LABELS.csv's folder.
``label``
    ``yes``/``no`` (also ``1``/``0``, ``true``/``false``, ``overstriding``/``normal``).
``subject`` (optional)
    Runner id; several videos of one runner must share it (grouped cross-validation).
    Default: the metrics.json's folder name, or the input's file name without extension.
``foot`` (optional)
    ``left``/``right``: the row labels only that foot's contacts.
``contact`` (optional; ``stride`` in older label files)
    0-based index into the recording's foot contacts (metrics.json ``contacts`` order): the
    row labels that one contact and overrides a whole-video label for it.
"""

from __future__ import annotations

import csv
import json
import time
from dataclasses import dataclass
from pathlib import Path

import click
import numpy as np

from ..errors import TrainingDataError, WeakModelError
from ..terminal import console, err_console, fail
from .features import analysis_features, document_features

_YES = {"1", "yes", "y", "true", "overstriding", "overstride"}
_NO = {"0", "no", "n", "false", "normal", "not overstriding"}


@dataclass(frozen=True)
class TrainOptions:
    """Settings of ``runform train``."""

    min_runners: int = 6  #: fewer labelled runners than this: refuse
    min_runners_per_class: int = 2  #: each label must come from at least this many runners
    #: A label with fewer contacts than this makes the model weak (refused without ``force``).
    min_contacts_per_class: int = 5
    #: Runner-grouped cross-validated ROC AUC below this makes the model weak.
    min_auc: float = 0.8
    #: Write a weak model anyway (its card lists the warnings).
    force: bool = False
    folds: int = 5
    kind: str = "logistic"  #: few runners: the model with the fewest parameters
    seed: int = 0


def _label(text: str, where: str) -> int:
    t = text.strip().lower()
    if t in _YES:
        return 1
    if t in _NO:
        return 0
    raise TrainingDataError(f"{where}: label {text!r} is not yes/no (or 1/0, true/false)")


def _recording(path: Path) -> tuple[np.ndarray, list[dict], str]:
    """(features, contacts, default subject) of a metrics.json or an input to analyze."""
    if path.suffix.lower() == ".json":
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as err:
            raise TrainingDataError(f"{path}: not a readable metrics.json ({err})") from None
        if not isinstance(doc, dict) or not isinstance(doc.get("contacts"), list):
            raise TrainingDataError(f"{path}: no 'contacts' list; is it a runform metrics.json (schema 2.0 or later)?")
        return document_features(doc), doc["contacts"], path.parent.name
    from ..pipeline import AnalysisConfig, analyze_keypoints, load_keypoints

    config = AnalysisConfig(use_model=False)
    kp, info = load_keypoints(path, config)
    a = analyze_keypoints(kp, info, config)
    return analysis_features(a), a.contacts, path.stem


def read_labels(csv_path: Path) -> dict:
    """Rows of training data from LABELS.csv (see the module docstring)."""
    csv_path = Path(csv_path)
    if not csv_path.is_file():
        raise TrainingDataError(f"labels file not found: {csv_path}")
    try:
        with open(csv_path, newline="", encoding="utf-8-sig") as fh:
            rows = list(csv.DictReader(fh))
    except UnicodeDecodeError:
        raise TrainingDataError(f"{csv_path.name}: not a text CSV file (it is not UTF-8)") from None
    except csv.Error as err:
        raise TrainingDataError(f"{csv_path.name}: not a readable CSV file ({err})") from None
    except OSError as err:
        raise TrainingDataError(f"cannot read {csv_path}: {err.strerror or err}") from None
    if not rows or not {"path", "label"} <= set(rows[0]):
        raise TrainingDataError(f"{csv_path}: needs a header with at least 'path' and 'label' columns")
    cache: dict[Path, tuple] = {}
    labels: dict[tuple[Path, int], int] = {}
    subjects: dict[Path, str] = {}
    for i, r in enumerate(rows, start=2):
        where = f"{csv_path.name} line {i}"
        if not (r.get("path") or "").strip():
            raise TrainingDataError(f"{where}: empty path")
        path = (csv_path.parent / r["path"].strip()).resolve()
        if not path.exists():
            raise TrainingDataError(f"{where}: {path} not found")
        if path not in cache:
            cache[path] = _recording(path)
        x, contacts, default_subject = cache[path]
        subjects.setdefault(path, (r.get("subject") or "").strip() or default_subject)
        y = _label(r.get("label") or "", where)
        index, foot = (r.get("contact") or r.get("stride") or "").strip(), (r.get("foot") or "").strip().lower()
        if index:
            try:
                j = int(index)
            except ValueError:
                raise TrainingDataError(f"{where}: contact {index!r} is not a whole number") from None
            if not 0 <= j < len(contacts):
                raise TrainingDataError(f"{where}: contact {j} out of range (recording has {len(contacts)})")
            labels[(path, j)] = y
        else:
            for j, s in enumerate(contacts):
                if (not foot or s.get("foot") == foot) and (path, j) not in labels:
                    labels[(path, j)] = y
    # A contact the analysis excluded as implausible (runform.metrics.plausibility) is not a
    # runner's stride: its numbers would teach the model noise, whatever its label says.
    excluded = {k for k in labels if cache[k[0]][1][k[1]].get("excluded")}
    keys = sorted(set(labels) - excluded, key=lambda pj: (str(pj[0]), pj[1]))
    if not keys:
        extra = f" ({len(excluded)} excluded as implausible)" if excluded else ""
        raise TrainingDataError(f"{csv_path}: no labelled contacts{extra}")
    return {"X": np.stack([cache[p][0][j] for p, j in keys]).astype(np.float32),
            "y": np.array([labels[k] for k in keys], int),
            "subject": np.array([subjects[p] for p, _ in keys]),
            "source": np.array(["clinic"] * len(keys)),
            "origin": np.array([f"{p.name}#{j}" for p, j in keys]),
            "excluded_left_out": len(excluded)}


def check_enough(data: dict, options: TrainOptions) -> None:
    """Refuse (TrainingDataError) when there are too few runners to train and validate."""
    runners = np.unique(data["subject"])
    if len(runners) < options.min_runners:
        raise TrainingDataError(f"too few labelled runners: {len(runners)} (need at least {options.min_runners} "
                                "different runners so that grouped cross-validation means something)")
    for value, name in ((1, "overstriding"), (0, "not overstriding")):
        n = len(np.unique(data["subject"][data["y"] == value]))
        if n < options.min_runners_per_class:
            raise TrainingDataError(f"too few labelled runners: {n} with '{name}' contacts "
                                    f"(need at least {options.min_runners_per_class})")


def cross_validate(labels_csv: Path, options: TrainOptions = TrainOptions()) -> tuple[dict, dict]:
    """Read and check LABELS.csv, then cross-validate by runner; return (data, metrics)."""
    from . import training as tr

    data = read_labels(labels_csv)
    check_enough(data, options)
    spec = tr.ModelSpec(kind=options.kind, seed=options.seed)
    oof = tr.grouped_cv(data["X"], data["y"], data["subject"], spec, n_splits=options.folds, seed=options.seed)
    metrics = tr.evaluate(data, oof, real_sources=("clinic",))
    metrics.pop("real_only", None)
    return data, metrics


def weaknesses(data: dict, metrics: dict, options: TrainOptions = TrainOptions()) -> list[str]:
    """Why a model trained on ``data`` should not be trusted, one sentence each (empty: none).

    A runner-grouped cross-validated ROC AUC below ``options.min_auc`` (or none), or a label
    with fewer than ``options.min_contacts_per_class`` contacts or
    ``options.min_runners_per_class`` runners.
    """
    out = []
    auc = metrics["all"].get("roc_auc")
    if auc is None:
        out.append("the cross-validated ROC AUC could not be computed")
    elif auc < options.min_auc:
        out.append(f"runner-grouped cross-validated ROC AUC {auc:.2f} is below {options.min_auc:g}: "
                   "the model separates these runners' contacts poorly")
    for value, name in ((1, "overstriding"), (0, "not overstriding")):
        which = data["y"] == value
        n, runners = int(which.sum()), len(np.unique(data["subject"][which]))
        if n < options.min_contacts_per_class or runners < options.min_runners_per_class:
            out.append(f"only {n} '{name}' contacts from {runners} runner(s) (want at least "
                       f"{options.min_contacts_per_class} contacts from {options.min_runners_per_class} runners)")
    return out


def write_model(data: dict, metrics: dict, labels_csv: Path, out: Path, options: TrainOptions = TrainOptions(),
                warnings: list[str] | None = None) -> None:
    """Fit on every labelled contact and write the ONNX model and its card (with ``warnings``)."""
    from . import training as tr

    spec = tr.ModelSpec(kind=options.kind, seed=options.seed)
    model = tr.fit(data["X"], data["y"], spec)
    out = Path(out)
    tr.export_onnx(model, out)
    label = {"rule": f"clinic labels from {Path(labels_csv).name} (per video or per stride)",
             "defined_on": "the clinic's own judgement of its footage"}
    tr.write_card(out, model, label=label, counts=tr.counts_by_source(data),
                  metrics={"evaluation": f"StratifiedGroupKFold({options.folds}) by runner, out-of-fold", **metrics},
                  spec=spec, trained=time.strftime("%Y-%m-%d", time.gmtime()),
                  extra={"labels_file": Path(labels_csv).name, "warnings": list(warnings or []),
                         "excluded_contacts_left_out": int(data.get("excluded_left_out", 0))})


def refusal(problems: list[str]) -> WeakModelError:
    return WeakModelError("model not written: " + "; ".join(problems) + " (label more runners, or --force to "
                          "write it anyway)")


def train_from_labels(labels_csv: Path, out: Path, options: TrainOptions = TrainOptions()) -> dict:
    """Read, check, cross-validate, fit and export; return the metrics (``warnings`` added).

    Raises
    ------
    TrainingDataError
        Unusable labels or too few runners.
    WeakModelError
        The model is weak (:func:`weaknesses`) and ``options.force`` is off; nothing is written.
    """
    data, metrics = cross_validate(labels_csv, options)
    problems = weaknesses(data, metrics, options)
    if problems and not options.force:
        raise refusal(problems)
    write_model(data, metrics, labels_csv, out, options, problems)
    return {**metrics, "warnings": problems}


@click.command()
@click.argument("labels_csv", metavar="LABELS.csv", type=click.Path(path_type=Path))
@click.option("--out", type=click.Path(path_type=Path), required=True,
              help="Model file to write (my_model.onnx); its card goes beside it (my_model.card.json).")
@click.option("--min-runners", type=click.IntRange(min=2), default=TrainOptions.min_runners, show_default=True,
              help="Refuse with fewer labelled runners than this.")
@click.option("--folds", type=click.IntRange(min=2), default=TrainOptions.folds, show_default=True)
@click.option("--kind", type=click.Choice(["logistic", "forest", "boosting"]), default=TrainOptions.kind,
              show_default=True, help="Classifier inside the Pipeline.")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--force", is_flag=True,
              help=f"Write the model even when it is weak (grouped AUC < {TrainOptions.min_auc:g}, or a label with "
                   f"< {TrainOptions.min_contacts_per_class} contacts).")
def train(labels_csv: Path, out: Path, min_runners: int, folds: int, kind: str, seed: int, force: bool) -> None:
    """Train an overstriding model from LABELS.csv (labelled metrics.json files or videos).

    Prints runner-grouped cross-validated metrics, then writes the ONNX model and its card.
    A weak model (cross-validated AUC below 0.8, or a label with fewer than 5 contacts) is
    not written without --force. Use the model with `runform analyze --model OUT`.
    """

    options = TrainOptions(min_runners=min_runners, folds=folds, kind=kind, seed=seed, force=force)
    try:
        data, metrics = cross_validate(labels_csv, options)
        m = metrics["all"]
        f = lambda v: "n/a" if v is None else f"{v:.3f}"  # noqa: E731
        console.print(f"grouped cross-validation ({m['n']} contacts, {m['n_positive']} overstriding): ROC AUC "
                      f"{f(m['roc_auc'])}, balanced accuracy {f(m['balanced_accuracy'])}, Brier {f(m['brier'])}")
        if data.get("excluded_left_out"):
            console.print(f"{data['excluded_left_out']} labelled contacts the analysis excluded as implausible "
                          "were left out")
        problems = weaknesses(data, metrics, options)
        for p in problems:
            err_console.print(f"[yellow]warning:[/yellow] weak model: {p}", highlight=False, soft_wrap=True)
        if problems and not force:
            raise refusal(problems)
        write_model(data, metrics, labels_csv, out, options, problems)
    except Exception as err:  # noqa: BLE001 - one-line messages, typed exit codes
        fail(err)
        return
    console.print(f"model: {out}\ncard: {Path(out).with_name(Path(out).stem + '.card.json')}")


__all__ = ["train", "train_from_labels", "cross_validate", "weaknesses", "write_model", "read_labels", "check_enough",
           "TrainOptions"]
