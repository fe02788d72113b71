"""Run-time overstriding model: an ONNX file read with onnxruntime, plus session verdicts.

No pickle and no scikit-learn here: the model is ``<name>.onnx`` with its card
``<name>.card.json`` beside it (feature names and order, label definition, metrics).
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Sequence

import numpy as np

from ..errors import ModelError
from .features import FEATURE_NAMES

#: Environment variable naming a folder that holds ``overstride.onnx`` (overrides the bundled one).
MODEL_DIR_ENV = "RUNFORM_MODEL_DIR"
MODEL_FILE = "overstride.onnx"
#: The card layout this code reads; bumped when a card field changes meaning.
CARD_VERSION = 1


def default_model_path() -> Path:
    """The bundled model: ``$RUNFORM_MODEL_DIR/overstride.onnx``, else the package's own
    ``runform/models/`` (package data: a wheel carries it)."""
    env = os.environ.get(MODEL_DIR_ENV)
    if env:
        return Path(env) / MODEL_FILE
    return Path(__file__).resolve().parents[1] / "models" / MODEL_FILE


def card_path(model_path: Path) -> Path:
    """``my_model.onnx`` -> ``my_model.card.json``."""
    model_path = Path(model_path)
    return model_path.with_name(model_path.stem + ".card.json")


def sha256_file(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@dataclass(frozen=True)
class ModelInfo:
    """What metrics.json records about the model that made the probabilities."""

    file: str
    sha256: str
    card_version: int
    trained: str | None
    threshold: float

    def as_dict(self) -> dict:
        return dict(self.__dict__)


class OverstrideModel:
    """An overstriding classifier loaded from ONNX; use :meth:`load`."""

    def __init__(self, session, card: dict, info: ModelInfo):
        self._session = session
        self.card = card
        self.info = info
        self._input = session.get_inputs()[0].name
        outputs = [o.name for o in session.get_outputs()]
        # skl2onnx classifiers output (label, probabilities); zipmap=False makes the latter a tensor.
        self._prob_output = "probabilities" if "probabilities" in outputs else outputs[-1]

    @classmethod
    def load(cls, path: Path) -> "OverstrideModel":
        """Load ``path`` and its card; raise :class:`ModelError` on any mismatch.

        Raises
        ------
        ModelError
            Missing model or card, unreadable ONNX, a card without the same feature
            names in the same order as :data:`~runform.classify.features.FEATURE_NAMES`,
            or an ONNX input of the wrong width.
        """
        path = Path(path)
        if not path.is_file():
            raise ModelError(f"model not found: {path}")
        cpath = card_path(path)
        if not cpath.is_file():
            raise ModelError(f"model card not found: {cpath} (every model needs its .card.json beside it)")
        try:
            card = json.loads(cpath.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
            raise ModelError(f"model card {cpath.name} is unreadable: {err}") from None
        names = [f.get("name") for f in card.get("features", [])] if isinstance(card, dict) else None
        if names != list(FEATURE_NAMES):
            raise ModelError(f"model card {cpath.name} lists features {names}; this runform expects "
                             f"{list(FEATURE_NAMES)} in that order")
        import onnxruntime as ort

        try:
            opts = ort.SessionOptions()
            opts.intra_op_num_threads = 1  # tiny model: threads cost more than they save
            session = ort.InferenceSession(str(path), sess_options=opts, providers=["CPUExecutionProvider"])
        except Exception as err:  # noqa: BLE001 - onnxruntime raises its own untyped errors
            raise ModelError(f"model {path.name} is not a readable ONNX file: {str(err).splitlines()[0]}") from None
        shape = session.get_inputs()[0].shape
        if len(shape) != 2 or (isinstance(shape[1], int) and shape[1] != len(FEATURE_NAMES)):
            raise ModelError(f"model {path.name} takes input shape {shape}, expected (n, {len(FEATURE_NAMES)})")
        info = ModelInfo(file=path.name, sha256=sha256_file(path), card_version=int(card.get("card_version", 0)),
                         trained=card.get("trained"), threshold=float(card.get("threshold", 0.5)))
        return cls(session, card, info)

    def predict_proba(self, features: np.ndarray) -> np.ndarray:
        """Probability of overstriding per row of a (n, len(FEATURE_NAMES)) array (NaN allowed)."""
        x = np.asarray(features, dtype=np.float32)
        if x.ndim != 2 or x.shape[1] != len(FEATURE_NAMES):
            raise ValueError(f"features must have shape (n, {len(FEATURE_NAMES)}), got {x.shape}")
        if x.shape[0] == 0:
            return np.zeros(0)
        prob = self._session.run([self._prob_output], {self._input: x})[0]
        return np.asarray(prob, dtype=float)[:, 1]


def load_cached(path: Path) -> OverstrideModel:
    """:meth:`OverstrideModel.load`, reusing the session while the file is unchanged
    (a batch of analyses loads the model once)."""
    path = Path(path)
    try:
        st = path.stat()
        stamp = (st.st_mtime_ns, st.st_size)
        cstat = card_path(path).stat()
        stamp += (cstat.st_mtime_ns, cstat.st_size)
    except OSError:
        stamp = None
    return _load_cached(str(path.resolve()), stamp)


@functools.lru_cache(maxsize=4)
def _load_cached(path: str, stamp) -> OverstrideModel:  # stamp is part of the cache key
    return OverstrideModel.load(Path(path))


#: Quality flags under which no overstriding verdict is given, and why (the sentence shown).
CANNOT_JUDGE_FLAGS: dict[str, str] = {
    "low_visibility": "the pose model saw the legs poorly",
    "not_side_on": "the camera is not side-on",
    "shin_from_landmarks": "the shin could not be measured on the runner's outline at most contacts",
    "camera_tilt_unknown": "the camera's tilt is unknown and large",
    "slow_motion": "the clip's clock is not real time (slow motion)",
    "low_resolution": "the runner is too small in the frame for angles",
}


@dataclass(frozen=True)
class VerdictConfig:
    """How per-contact probabilities become a verdict: the one overstriding decision.

    Attributes
    ----------
    threshold : float
        A contact counts as overstriding when its probability is >= this
        (:func:`contact_overstriding`); a group is "overstriding" when the lower end of the
        interval on its mean probability reaches it, "not overstriding" when the upper end
        stays below it, else "uncertain".
    min_contacts : int
        Fewer judged (counted) contacts than this -> "not enough contacts".
    level : float
        Credible level of the interval on the mean probability.
    cannot_judge_flags : tuple of str
        Quality flags (keys of :data:`CANNOT_JUDGE_FLAGS`) that make every group "cannot judge":
        the view, the visibility or the clock does not support a verdict, whatever the model says.
    max_excluded_share : float
        When more than this share of the contacts found was excluded as implausible
        (:mod:`runform.metrics.plausibility`), the rest cannot be trusted either: "cannot judge".
    """

    threshold: float = 0.5
    min_contacts: int = 4
    level: float = 0.95
    cannot_judge_flags: tuple[str, ...] = tuple(CANNOT_JUDGE_FLAGS)
    max_excluded_share: float = 1 / 3


def contact_overstriding(probability, threshold: float) -> bool | None:
    """The per-contact rule: overstriding when ``probability >= threshold`` (None when missing)."""
    try:
        p = float(probability)
    except (TypeError, ValueError):
        return None
    return bool(p >= threshold) if np.isfinite(p) else None


def probability_interval(probs: np.ndarray, level: float = 0.95) -> tuple[float, float]:
    """Interval on the runner's overstriding probability from per-contact probabilities.

    Treats the summed probabilities as soft successes in a Jeffreys Beta posterior,
    Beta(0.5 + sum p, 0.5 + sum (1 - p)): with few contacts the interval is wide, and it
    narrows as consistent contacts accumulate. Deterministic (no bootstrap seed).
    """
    from scipy.stats import beta

    p = np.asarray(probs, float)
    a, b = 0.5 + p.sum(), 0.5 + (1.0 - p).sum()
    tail = (1.0 - level) / 2.0
    return float(beta.ppf(tail, a, b)), float(beta.ppf(1.0 - tail, a, b))


_FOOT_TEXT = {"left": "left-foot ", "right": "right-foot ", "session": ""}
#: Verdicts that decide something; every other word ("uncertain", "not enough contacts",
#: "cannot judge") says the data does not support a decision.
DECISIVE = ("overstriding", "not overstriding")


def cannot_judge_reason(contacts: Sequence[Mapping], quality: Mapping | None,
                        config: VerdictConfig = VerdictConfig()) -> str | None:
    """Why no overstriding verdict can be given on this data, or None when one can.

    Parameters
    ----------
    contacts : sequence of mapping
        Every contact found (``excluded`` marks the implausible ones).
    quality : mapping or None
        The analysis's quality flags.
    """
    quality = quality or {}
    weak = [f for f in config.cannot_judge_flags if f in quality]
    if weak:
        return "; ".join(f"{CANNOT_JUDGE_FLAGS.get(f, f)} ({f})" for f in weak)
    n = len(contacts)
    out = sum(bool(s.get("excluded")) for s in contacts)
    if n and out / n > config.max_excluded_share:
        return f"{out} of {n} contacts are not plausible running (contacts_excluded), so the rest are not trusted either"
    return None


def _group_verdict(probs: np.ndarray, who: str, config: VerdictConfig, reason: str | None = None) -> dict:
    n = int(probs.size)
    if n == 0:
        word = "cannot judge" if reason else "not enough contacts"
        return {"n_contacts": 0, "n_overstriding": 0, "probability": None, "ci95": None, "verdict": word,
                "reason": reason, "text": f"cannot judge: {reason}" if reason else f"no judged {_FOOT_TEXT[who]}contacts"}
    k = int(np.sum(probs >= config.threshold))
    mean = float(np.mean(probs))
    lo, hi = probability_interval(probs, config.level)
    out = {"n_contacts": n, "n_overstriding": k, "probability": round(mean, 4), "ci95": [round(lo, 4), round(hi, 4)]}
    if reason:  # the numbers stay in the record; the text does not present them as a finding
        return {**out, "verdict": "cannot judge", "reason": reason, "text": f"cannot judge: {reason}"}
    if n < config.min_contacts:
        word = "not enough contacts"
    elif lo >= config.threshold:
        word = "overstriding"
    elif hi < config.threshold:
        word = "not overstriding"
    else:
        word = "uncertain"
    text = f"overstriding on {k} of {n} {_FOOT_TEXT[who]}contacts, p = {mean:.2f}"
    if word != "overstriding":
        text = f"{word}: {text}"
    return {**out, "verdict": word, "reason": None, "text": text}


def verdict(contacts: Sequence[Mapping], probs: np.ndarray, config: VerdictConfig = VerdictConfig(),
            quality: Mapping | None = None, session_foot: str | None = None) -> dict:
    """Per-foot and session verdicts: the one place overstriding is decided.

    Parameters
    ----------
    contacts : sequence of mapping
        Per-stride dicts (``foot`` and ``excluded`` are read).
    probs : ndarray, shape (len(contacts),)
        Overstriding probability per stride; NaN = not judged (left out of the counts).
        Excluded contacts are never counted, whatever their probability. A rule without
        probabilities passes 1.0 / 0.0 per contact (see
        :func:`runform.report.cues.overstriding_decision`).
    config : VerdictConfig
    quality : mapping, optional
        Quality flags; any of ``config.cannot_judge_flags``, or too large a share of excluded
        contacts, makes every group "cannot judge" with the reason.
    session_foot : {"left", "right"}, optional
        Judge the session on this foot's contacts only (the near leg, when the far leg is
        probably measured wrong: the ``legs_disagree`` flag); the session then carries
        ``from_foot``.

    Returns
    -------
    dict
        ``{"threshold", "cannot_judge", "left", "right", "session"}``: ``cannot_judge`` is the
        reason or None; each group has ``n_contacts``, ``n_overstriding``, ``probability``
        (mean), ``ci95`` [lo, hi], ``verdict`` (one of "overstriding", "not overstriding",
        "uncertain", "not enough contacts", "cannot judge"), ``reason`` and ``text``.
    """
    probs = np.asarray(probs, float)
    if probs.shape != (len(contacts),):
        raise ValueError(f"need one probability per stride ({len(contacts)}), got shape {probs.shape}")
    feet = np.array([s.get("foot") for s in contacts], dtype=object)
    ok = np.isfinite(probs) & np.array([not s.get("excluded") for s in contacts], dtype=bool)
    reason = cannot_judge_reason(contacts, quality, config)
    out = {"threshold": config.threshold, "cannot_judge": reason}
    for who in ("left", "right"):
        out[who] = _group_verdict(probs[ok & (feet == who)], who, config, reason)
    if session_foot in ("left", "right"):
        session = _group_verdict(probs[ok & (feet == session_foot)], "session", config, reason)
        session["from_foot"] = session_foot
        if not reason:
            session["text"] += f" (the {session_foot} leg only: the far leg is probably measured wrong)"
        out["session"] = session
    else:
        out["session"] = _group_verdict(probs[ok], "session", config, reason)
    return out


def is_decisive(group: Mapping | None) -> bool:
    """True when a verdict group decides (overstriding or not), False for every kind of "cannot say"."""
    return isinstance(group, Mapping) and group.get("verdict") in DECISIVE


__all__ = ["OverstrideModel", "ModelInfo", "load_cached", "VerdictConfig", "verdict", "probability_interval",
           "contact_overstriding", "cannot_judge_reason", "is_decisive", "DECISIVE", "CANNOT_JUDGE_FLAGS",
           "default_model_path", "card_path", "sha256_file", "MODEL_DIR_ENV", "CARD_VERSION"]
