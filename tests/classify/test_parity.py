"""ONNX (onnxruntime) and scikit-learn agree on held-out strides."""

import numpy as np
import pytest

from runform.synth import datasets as ds
from runform.classify import training as tr
from runform.classify.model import OverstrideModel


@pytest.fixture(scope="module")
def small_data():
    sweep = ds.SyntheticSweep(n_runners=10, views_per_runner=1, duration_s=3.0)
    data = ds.synthetic_rows(sweep, seed=3)
    assert 0 < data["y"].sum() < len(data["y"]), "sweep should give both labels"
    return data


@pytest.mark.parametrize("kind", ["logistic", "boosting", "forest"])
def test_onnx_matches_sklearn_on_held_out_strides(small_data, tmp_path, kind):
    d = small_data
    runners = np.unique(d["subject"])
    held_out = np.isin(d["subject"], runners[-3:])  # no held-out runner is seen in fitting
    spec = tr.ModelSpec(kind=kind, n_estimators=20)
    model = tr.fit(d["X"][~held_out], d["y"][~held_out], spec)
    path = tr.export_onnx(model, tmp_path / "m.onnx")
    tr.write_card(path, model, label={"rule": "test"}, counts=tr.counts_by_source(d), metrics={}, spec=spec)
    x = d["X"][held_out].copy()
    x[::4, 2] = np.nan  # missing values go through the ONNX imputer too
    onnx = OverstrideModel.load(path)
    p_onnx = onnx.predict_proba(x)
    p_sk = model.predict_proba(tr.as_float32(x))[:, 1]
    assert len(p_onnx) == held_out.sum() > 10
    np.testing.assert_allclose(p_onnx, p_sk, atol=1e-5)
    labels = onnx._session.run(None, {"features": x})[0]
    np.testing.assert_array_equal(labels, model.predict(tr.as_float32(x)))


def test_grouped_cv_keeps_runners_apart(small_data):
    d = small_data
    from sklearn.model_selection import StratifiedGroupKFold

    for train, test in StratifiedGroupKFold(3, shuffle=True, random_state=0).split(d["X"], d["y"], d["subject"]):
        assert not set(d["subject"][train]) & set(d["subject"][test])
    oof = tr.grouped_cv(d["X"], d["y"], d["subject"], tr.ModelSpec(), n_splits=3)
    assert np.all(np.isfinite(oof))
    m = tr.binary_metrics(d["y"], oof)
    assert m["roc_auc"] is not None and 0.0 <= m["brier"] <= 1.0
    assert sum(b["n"] for b in m["reliability"]) == len(d["y"])
