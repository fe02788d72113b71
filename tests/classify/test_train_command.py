"""`runform train` from a LABELS.csv of analyzed runs, and `runform analyze --model`."""

import json

import pytest
from click.testing import CliRunner

from runform.cli import main
from runform.classify.model import OverstrideModel


def _analyze(runner: CliRunner, trc, out, *extra):
    return runner.invoke(main, ["analyze", str(trc), "--out", str(out), "--no-video", "--no-report", *extra])


@pytest.fixture(scope="module")
def analyzed(runs_dir, tmp_path_factory):
    """metrics.json of each generated run, made by the real CLI."""
    out = tmp_path_factory.mktemp("analyzed")
    runner = CliRunner()
    for trc in sorted(runs_dir.glob("*.trc")):
        res = _analyze(runner, trc, out)
        assert res.exit_code == 0, res.output
    return out


def _labels(path, rows):
    path.write_text("path,label,subject,foot,stride\n" + "".join(",".join(r) + "\n" for r in rows))
    return path


def test_train_writes_model_and_card_that_analyze_uses(analyzed, runs_dir, tmp_path):
    rows = [(f"{analyzed}/{d.name}/metrics.json", "yes" if d.name.startswith("over") else "no", "", "", "")
            for d in sorted(analyzed.iterdir())]
    rows.append((f"{analyzed}/norm_a/metrics.json", "yes", "", "", "0"))  # a per-stride override
    labels = _labels(tmp_path / "labels.csv", rows)
    model = tmp_path / "my_model.onnx"
    res = CliRunner().invoke(main, ["train", str(labels), "--out", str(model), "--folds", "3"])
    assert res.exit_code == 0, res.output
    assert "ROC AUC" in res.output and "grouped cross-validation" in res.output
    card = json.loads((tmp_path / "my_model.card.json").read_text())
    assert card["training_data"]["clinic"]["runners"] == 6
    assert card["training_data"]["clinic"]["overstriding_strides"] > 0
    assert card["metrics"]["all"]["roc_auc"] is not None
    OverstrideModel.load(model)
    res = _analyze(CliRunner(), runs_dir / "over_a.trc", tmp_path / "out", "--model", str(model))
    assert res.exit_code == 0, res.output
    assert "overstriding, session:" in res.output
    doc = json.loads((tmp_path / "out" / "over_a" / "metrics.json").read_text())
    assert doc["overstriding"]["model"]["file"] == "my_model.onnx"
    assert doc["overstriding"]["session"]["verdict"] in ("overstriding", "uncertain", "not overstriding")
    keys = {"n_contacts", "n_overstriding", "probability", "ci95", "verdict", "text"}
    assert keys <= set(doc["overstriding"]["right"])
    assert "overstride_probability" in doc["contacts"][0]
    csv_head = (tmp_path / "out" / "over_a" / "contacts.csv").read_text().splitlines()[0]
    assert csv_head.endswith("overstride_probability,overstriding,excluded,exclusion_reason")


def test_train_refuses_too_few_runners(analyzed, tmp_path):
    rows = [(f"{analyzed}/{n}/metrics.json", lab, "", "", "") for n, lab in
            (("over_a", "yes"), ("norm_a", "no"), ("norm_b", "no"))]
    labels = _labels(tmp_path / "labels.csv", rows)
    res = CliRunner().invoke(main, ["train", str(labels), "--out", str(tmp_path / "m.onnx")])
    assert res.exit_code == 8
    assert "too few labelled runners: 3" in res.output
    assert not (tmp_path / "m.onnx").exists()


def test_train_refuses_a_single_label_class(analyzed, tmp_path):
    rows = [(f"{analyzed}/{d.name}/metrics.json", "no", "", "", "") for d in sorted(analyzed.iterdir())]
    res = CliRunner().invoke(main, ["train", str(_labels(tmp_path / "l.csv", rows)), "--out", str(tmp_path / "m.onnx")])
    assert res.exit_code == 8 and "'overstriding' contacts" in res.output


def test_train_rejects_bad_labels(analyzed, tmp_path):
    rows = [(f"{analyzed}/over_a/metrics.json", "maybe", "", "", "")]
    res = CliRunner().invoke(main, ["train", str(_labels(tmp_path / "l.csv", rows)), "--out", str(tmp_path / "m.onnx")])
    assert res.exit_code == 8 and "not yes/no" in res.output


def test_train_accepts_an_input_to_analyze(runs_dir, tmp_path):
    # A TRC (not a metrics.json) is analyzed on the fly; subjects default to the file stem.
    rows = [(str(p), "yes" if p.stem.startswith("over") else "no", "", "", "") for p in sorted(runs_dir.glob("*.trc"))]
    res = CliRunner().invoke(main, ["train", str(_labels(tmp_path / "l.csv", rows)), "--out", str(tmp_path / "m.onnx"),
                                    "--folds", "3"])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "m.card.json").is_file()


def test_analyze_with_missing_or_corrupt_model_exits_7(runs_dir, tmp_path):
    res = _analyze(CliRunner(), runs_dir / "norm_a.trc", tmp_path / "o1", "--model", str(tmp_path / "none.onnx"))
    assert res.exit_code == 7 and "model not found" in res.output
    bad = tmp_path / "bad.onnx"
    bad.write_bytes(b"garbage")
    (tmp_path / "bad.card.json").write_text("[]")
    res = _analyze(CliRunner(), runs_dir / "norm_a.trc", tmp_path / "o2", "--model", str(bad))
    assert res.exit_code == 7
    assert not (tmp_path / "o2" / "norm_a").exists()  # nothing half-written


def _train(labels, out, *extra):
    return CliRunner().invoke(main, ["train", str(labels), "--out", str(out), "--folds", "3", *extra])


def test_train_refuses_a_weak_model_unless_forced(analyzed, tmp_path):
    # Labels that cut across the runners' real differences: grouped AUC far below 0.8.
    yes = {"over_a", "norm_a", "norm_b"}
    rows = [(f"{analyzed}/{d.name}/metrics.json", "yes" if d.name in yes else "no", "", "", "")
            for d in sorted(analyzed.iterdir())]
    labels = _labels(tmp_path / "labels.csv", rows)
    res = _train(labels, tmp_path / "m.onnx")
    assert res.exit_code == 10, res.output
    assert "ROC AUC" in res.output and "warning: weak model" in res.output and "below 0.8" in res.output
    assert "--force" in res.output and "Traceback" not in res.output
    assert not (tmp_path / "m.onnx").exists() and not (tmp_path / "m.card.json").exists()
    res = _train(labels, tmp_path / "m.onnx", "--force")
    assert res.exit_code == 0, res.output
    assert "warning: weak model" in res.output
    card = json.loads((tmp_path / "m.card.json").read_text())
    assert card["warnings"] and "below 0.8" in card["warnings"][0]


def test_train_refuses_a_label_with_too_few_contacts(analyzed, tmp_path):
    rows = [(f"{analyzed}/{d.name}/metrics.json", "no", "", "", "") for d in sorted(analyzed.iterdir())]
    rows += [(f"{analyzed}/over_a/metrics.json", "yes", "", "", "0"), (f"{analyzed}/over_b/metrics.json", "yes", "", "", "0")]
    res = _train(_labels(tmp_path / "labels.csv", rows), tmp_path / "m.onnx")
    assert res.exit_code == 10, res.output
    assert "only 2 'overstriding' contacts" in res.output
    assert not (tmp_path / "m.onnx").exists()


@pytest.mark.parametrize("content, message", [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe\x80", "not a text CSV"),
    (b'path,label\n"' + b"x" * 200_000 + b"\n", "not a readable CSV"),  # an unclosed quote: a 200 kB field
    (b"path,label\n,yes\n", "empty path"),
])
def test_train_gives_one_line_errors_for_binary_or_malformed_csv(tmp_path, content, message):
    labels = tmp_path / "labels.csv"
    labels.write_bytes(content)
    res = CliRunner().invoke(main, ["train", str(labels), "--out", str(tmp_path / "m.onnx")])
    assert res.exit_code == 8, res.output
    assert message in res.output and "Traceback" not in res.output and "internal error" not in res.output
    assert len([line for line in res.output.splitlines() if line.strip()]) == 1


def test_train_rejects_a_stride_that_is_not_a_number(analyzed, tmp_path):
    rows = [(f"{analyzed}/over_a/metrics.json", "yes", "", "", "first")]
    res = _train(_labels(tmp_path / "l.csv", rows), tmp_path / "m.onnx")
    assert res.exit_code == 8 and "not a whole number" in res.output


def _with_excluded(src, dst, every: int):
    """A copy of a metrics.json with every ``every``-th contact marked excluded, as plausibility marks them."""
    doc = json.loads(src.read_text())
    for j, s in enumerate(doc["contacts"]):
        if j % every == 0:
            s["excluded"], s["exclusion_reason"] = True, "duty factor 0.05 outside 0.1-0.8"
    dst.parent.mkdir(parents=True)
    dst.write_text(json.dumps(doc))
    return len(doc["contacts"]), sum(j % every == 0 for j in range(len(doc["contacts"])))


def test_training_leaves_out_excluded_contacts(analyzed, tmp_path):
    from runform.classify.command import read_labels

    rows, total, left_out = [], 0, 0
    for d in sorted(analyzed.iterdir()):
        n, k = _with_excluded(d / "metrics.json", tmp_path / d.name / "metrics.json", 3)
        total, left_out = total + n, left_out + k
        rows.append((f"{tmp_path}/{d.name}/metrics.json", "yes" if d.name.startswith("over") else "no", "", "", ""))
    rows.append((f"{tmp_path}/norm_a/metrics.json", "yes", "", "", "0"))  # names an excluded contact: still out
    data = read_labels(_labels(tmp_path / "labels.csv", rows))
    assert len(data["y"]) == total - left_out and data["excluded_left_out"] == left_out
    assert not any(o.endswith("#0") for o in data["origin"])
    res = _train(tmp_path / "labels.csv", tmp_path / "m.onnx", "--folds", "3", "--force")
    assert res.exit_code == 0, res.output
    assert f"{left_out} labelled contacts the analysis excluded as implausible were left out" in res.output
    card = json.loads((tmp_path / "m.card.json").read_text())
    assert card["training_data"]["clinic"]["strides"] == total - left_out


def test_training_with_every_contact_excluded_is_refused(analyzed, tmp_path):
    n, _ = _with_excluded(analyzed / "over_a" / "metrics.json", tmp_path / "a" / "metrics.json", 1)
    res = _train(_labels(tmp_path / "l.csv", [(f"{tmp_path}/a/metrics.json", "yes", "", "", "")]), tmp_path / "m.onnx")
    assert res.exit_code == 8 and f"no labelled contacts ({n} excluded as implausible)" in res.output


def test_training_set_building_skips_excluded_contacts():
    from runform.synth.datasets import match_strides

    truth = [{"foot": "left", "ic_time_s": 1.0}, {"foot": "left", "ic_time_s": 2.0}]
    strides = [{"foot": "left", "ic_time_s": 1.01}, {"foot": "left", "ic_time_s": 2.0, "excluded": True}]
    assert [s["ic_time_s"] for s, _ in match_strides(strides, truth, 0.1)] == [1.01]
