"""The application layer: one analysis end to end, one decision in every output, a log per run."""

import csv
import json

from runform.app import OutputOptions, run_analysis
from runform.pipeline import AnalysisConfig, RunnerInfo


def test_run_writes_every_output_with_one_decision(shared_data, tmp_path):
    trc = shared_data / "mocap-gt" / "RBDS001runT25_30hz.trc"
    run = run_analysis(trc, tmp_path, AnalysisConfig(runner=RunnerInfo(height_cm=178)), OutputOptions(report=False))
    folder = tmp_path / trc.stem
    assert set(run.paths) == {"metrics", "contacts", "log"}
    doc = json.loads((folder / "metrics.json").read_text())
    log = json.loads((folder / "run.log.json").read_text())
    # The decision the caller prints is the one written, and the log names it and its model.
    assert doc["overstriding"]["session"]["text"] == run.decision["session"]["text"] == log["overstriding"]
    assert log["decided_by"] == "classifier" and log["model"]["file"] == "overstride.onnx"
    assert log["settings"]["runner"]["height_cm"] == 178 and log["contacts_counted"] == len(
        [c for c in run.analysis.contacts if not c.excluded])
    rows = list(csv.DictReader((folder / "contacts.csv").open()))
    assert len(rows) == len(doc["contacts"]) == len(run.analysis.contacts)
    # With a height, vertical oscillation has centimetres too, and the absolute stiffness needs a mass.
    assert rows[0]["vertical_oscillation_cm"] and not rows[0]["vertical_stiffness_kn_m"]
    assert float(rows[0]["vertical_stiffness_kn_m_kg"]) > 0
