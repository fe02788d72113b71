"""Overstriding classifier: per-stride features, an ONNX model, session verdicts and retraining.

Only :mod:`runform.classify.model` is needed at analysis time (numpy + onnxruntime);
:mod:`runform.classify.training` imports scikit-learn and skl2onnx lazily for ``runform train``.
"""

from .features import FEATURE_NAMES, FEATURES, Feature, analysis_features, stride_features
from .model import ModelInfo, OverstrideModel, VerdictConfig, default_model_path, verdict

__all__ = ["FEATURES", "FEATURE_NAMES", "Feature", "stride_features", "analysis_features",
           "OverstrideModel", "ModelInfo", "VerdictConfig", "verdict", "default_model_path"]
