"""Fit, evaluate (subject-grouped) and export the overstriding classifier.

scikit-learn and skl2onnx are imported here only; analysis needs neither (see
:mod:`runform.classify.model`).
"""

from __future__ import annotations

import json
import platform
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..atomic import atomic_path, write_text_atomic
from ..errors import TrainingDataError
from .features import FEATURES, FEATURE_NAMES
from .model import CARD_VERSION, card_path, sha256_file

#: ONNX opsets the export targets: old enough for any onnxruntime >= 1.14.
TARGET_OPSET = {"": 15, "ai.onnx.ml": 3}


@dataclass(frozen=True)
class ModelSpec:
    """The classifier inside the Pipeline.

    Attributes
    ----------
    kind : str
        ``"logistic"`` (default: few parameters, calibrated, exact ONNX parity) or
        ``"forest"`` (random forest).
    C : float
        Inverse L2 strength of the logistic regression.
    n_estimators, max_depth, min_samples_leaf : int
        Random-forest size (kept small: the ONNX file grows with the trees).
    class_weight : str or None
        ``"balanced"`` reweights classes so a rare label is not ignored.
    """

    kind: str = "logistic"
    C: float = 1.0
    n_estimators: int = 60
    max_depth: int = 6
    min_samples_leaf: int = 10
    class_weight: str | None = None
    seed: int = 0


def make_pipeline(spec: ModelSpec = ModelSpec()):
    """Median imputation -> standard scaling -> classifier, one ONNX-convertible Pipeline.

    The imputer lives inside the model so the rule for missing inputs travels with it.
    ``keep_empty_features`` keeps the column count fixed even when a column is all NaN
    in a small clinic data set (the ONNX input width must not change).
    """
    from sklearn.ensemble import GradientBoostingClassifier, RandomForestClassifier
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    if spec.kind == "logistic":
        clf = LogisticRegression(C=spec.C, class_weight=spec.class_weight, max_iter=2000)
    elif spec.kind == "boosting":
        clf = GradientBoostingClassifier(n_estimators=spec.n_estimators, max_depth=3,
                                         min_samples_leaf=spec.min_samples_leaf, learning_rate=0.1,
                                         subsample=0.8, random_state=spec.seed)
    elif spec.kind == "forest":
        clf = RandomForestClassifier(n_estimators=spec.n_estimators, max_depth=spec.max_depth,
                                     min_samples_leaf=spec.min_samples_leaf, class_weight=spec.class_weight,
                                     random_state=spec.seed, n_jobs=1)
    else:
        raise ValueError(f"unknown model kind {spec.kind!r}")
    return Pipeline([("impute", SimpleImputer(strategy="median", keep_empty_features=True)),
                     ("scale", StandardScaler()), ("classify", clf)])


def as_float32(x: np.ndarray) -> np.ndarray:
    """Round to float32 (the ONNX input type) before fitting, so sklearn and ONNX see one input."""
    return np.asarray(x, dtype=np.float32)


def fit(x: np.ndarray, y: np.ndarray, spec: ModelSpec = ModelSpec(), sample_weight=None):
    pipe = make_pipeline(spec)
    kw = {"classify__sample_weight": sample_weight} if sample_weight is not None else {}
    return pipe.fit(as_float32(x), np.asarray(y, int), **kw)


def source_weights(source: np.ndarray) -> np.ndarray:
    """Weights giving each data source the same total weight (real sources are small)."""
    source = np.asarray(source)
    w = np.ones(len(source))
    for s in np.unique(source):
        m = source == s
        w[m] = len(source) / (len(np.unique(source)) * m.sum())
    return w


def binary_metrics(y: np.ndarray, p: np.ndarray, threshold: float = 0.5, n_bins: int = 10) -> dict:
    """ROC AUC, balanced accuracy, Brier score and a reliability curve.

    AUC is None when only one class is present (it is undefined, not 0.5).
    """
    from sklearn.metrics import balanced_accuracy_score, brier_score_loss, roc_auc_score

    y, p = np.asarray(y, int), np.asarray(p, float)
    out = {"n": int(y.size), "n_positive": int(y.sum()),
           "roc_auc": float(roc_auc_score(y, p)) if 0 < y.sum() < y.size else None,
           "balanced_accuracy": float(balanced_accuracy_score(y, p >= threshold)) if 0 < y.sum() < y.size else None,
           "accuracy": float(np.mean((p >= threshold) == y)) if y.size else None,
           "brier": float(brier_score_loss(y, p, pos_label=1)) if y.size else None}
    edges = np.linspace(0, 1, n_bins + 1)
    which = np.clip(np.digitize(p, edges) - 1, 0, n_bins - 1)
    out["reliability"] = [{"bin": [round(edges[b], 2), round(edges[b + 1], 2)], "n": int(np.sum(which == b)),
                           "mean_predicted": float(p[which == b].mean()), "observed": float(y[which == b].mean())}
                          for b in range(n_bins) if np.any(which == b)]
    return out


def grouped_cv(x, y, groups, spec: ModelSpec = ModelSpec(), n_splits: int = 5, weights=None,
               seed: int = 0) -> np.ndarray:
    """Out-of-fold probabilities with no runner in both the fitting and the scored fold.

    Uses StratifiedGroupKFold so every fold sees both classes when the data allow.
    """
    from sklearn.model_selection import StratifiedGroupKFold

    x, y, groups = as_float32(x), np.asarray(y, int), np.asarray(groups)
    n_groups = len(np.unique(groups))
    cv = StratifiedGroupKFold(n_splits=min(n_splits, n_groups), shuffle=True, random_state=seed)
    oof = np.full(len(y), np.nan)
    for train, test in cv.split(x, y, groups):
        if len(np.unique(y[train])) < 2:
            raise TrainingDataError("a cross-validation fold has only one label; label more runners of each kind")
        model = fit(x[train], y[train], spec, None if weights is None else np.asarray(weights)[train])
        oof[test] = model.predict_proba(x[test])[:, 1]
    return oof


def evaluate(data: dict, oof: np.ndarray, real_sources=("mocap", "population")) -> dict:
    """Metrics of out-of-fold probabilities: all rows, real rows only, and per source."""
    out = {"all": binary_metrics(data["y"], oof)}
    real = np.isin(data["source"], real_sources)
    if real.any():
        out["real_only"] = binary_metrics(data["y"][real], oof[real])
    for s in np.unique(data["source"]):
        m = data["source"] == s
        out[f"source:{s}"] = binary_metrics(data["y"][m], oof[m])
    return out


def export_onnx(pipe, path: Path) -> Path:
    """Convert the Pipeline with skl2onnx (float32 input ``features``, no ZipMap) and write it."""
    from skl2onnx import convert_sklearn
    from skl2onnx.common.data_types import FloatTensorType

    onx = convert_sklearn(pipe, initial_types=[("features", FloatTensorType([None, len(FEATURE_NAMES)]))],
                          options={id(pipe.steps[-1][1]): {"zipmap": False}}, target_opset=TARGET_OPSET)
    onx.graph.name = "overstride"  # skl2onnx names the graph with a random UUID: fix it for reproducible bytes
    with atomic_path(Path(path)) as tmp:
        tmp.write_bytes(onx.SerializeToString())
    return Path(path)


def library_versions() -> dict:
    import onnx
    import onnxruntime
    import skl2onnx
    import sklearn

    return {"python": platform.python_version(), "numpy": np.__version__, "scikit-learn": sklearn.__version__,
            "skl2onnx": skl2onnx.__version__, "onnx": onnx.__version__, "onnxruntime": onnxruntime.__version__}


def counts_by_source(data: dict) -> dict:
    """Strides, runners and positive strides per source."""
    out = {}
    for s in np.unique(data["source"]):
        m = data["source"] == s
        out[str(s)] = {"strides": int(m.sum()), "runners": int(len(np.unique(data["subject"][m]))),
                       "overstriding_strides": int(data["y"][m].sum())}
    return out


def describe_model(pipe) -> dict:
    """Human-readable parameters (logistic coefficients on standardised features)."""
    clf = pipe.named_steps["classify"]
    out = {"classifier": type(clf).__name__,
           "imputer_medians": dict(zip(FEATURE_NAMES, map(float, pipe.named_steps["impute"].statistics_)))}
    if hasattr(clf, "coef_"):
        out["standardised_coefficients"] = dict(zip(FEATURE_NAMES, map(float, clf.coef_[0])))
        out["intercept"] = float(clf.intercept_[0])
    if hasattr(clf, "feature_importances_"):
        out["feature_importances"] = dict(zip(FEATURE_NAMES, map(float, clf.feature_importances_)))
    return out


def write_card(model_path: Path, pipe, *, label: dict, counts: dict, metrics: dict, spec: ModelSpec,
               trained: str | None = None, extra: dict | None = None) -> Path:
    """Write ``<model>.card.json`` beside an exported model."""
    card = {
        "card_version": CARD_VERSION,
        "model_file": Path(model_path).name,
        "sha256": sha256_file(model_path),
        "trained": trained,
        "input": {"name": "features", "dtype": "float32", "shape": [None, len(FEATURE_NAMES)],
                  "missing": "NaN allowed; replaced by the training median inside the model (SimpleImputer)"},
        "output": {"probabilities": "(n, 2) float32; column 1 = P(overstriding)", "label": "int64 0/1"},
        "features": [{"name": f.name, "unit": f.unit, "description": f.description} for f in FEATURES],
        "threshold": 0.5,
        "label_definition": label,
        "model": {"spec": dict(spec.__dict__), **describe_model(pipe)},
        "training_data": counts,
        "metrics": metrics,
        "libraries": library_versions(),
        "target_opset": TARGET_OPSET,
        **(extra or {}),
    }
    path = card_path(model_path)
    write_text_atomic(path, json.dumps(card, indent=1))
    return path


__all__ = ["ModelSpec", "make_pipeline", "fit", "grouped_cv", "evaluate", "binary_metrics", "export_onnx",
           "write_card", "source_weights", "counts_by_source", "library_versions", "as_float32", "TARGET_OPSET"]
