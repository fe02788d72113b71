"""End to end through the CLI on generated TRC runners plus one corrupt video."""

import csv
import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from runform.cli import main

IDS = {"alice__easy", "alice__tempo", "bob__easy", "solo"}


def _batch(*args):
    return CliRunner().invoke(main, ["batch", *map(str, args)], catch_exceptions=False)


def _rows(out: Path, name="summary.csv"):
    with open(out / name, newline="") as fh:
        return list(csv.DictReader(fh))


def _mtimes(out: Path) -> dict:
    return {i: (out / i / "done.json").stat().st_mtime_ns for i in IDS}


@pytest.fixture(scope="module")
def first_run(trc_tree, tmp_path_factory):
    out = tmp_path_factory.mktemp("batch-out") / "out"
    res = _batch(trc_tree, "--out", out, "--workers", 2)
    return res, out


def test_first_run_lists_failure_and_exits_nonzero(first_run):
    res, out = first_run
    assert res.exit_code == 1, res.output
    assert "4 analyzed, 0 skipped (unchanged), 1 failed" in res.output
    rows = {r["id"]: r for r in _rows(out)}
    assert set(rows) == IDS | {"bob__bad"}
    assert {rows[i]["status"] for i in IDS} == {"ok"}
    assert rows["bob__bad"]["status"] == "failed" and rows["bob__bad"]["error_type"] == "UnreadableInput"
    assert rows["alice__easy"]["runner"] == "alice" and rows["solo"]["runner"] == ""
    assert float(rows["alice__tempo"]["shin_angle_ic_deg"]) > float(rows["alice__easy"]["shin_angle_ic_deg"])
    assert all(float(rows[i]["cadence_spm"]) > 100 for i in IDS)
    failures = _rows(out, "failures.csv")
    assert [(f["path"], f["error_type"]) for f in failures] == [("bob/bad.mp4", "UnreadableInput")]
    assert (out / failures[0]["log"]).read_text()  # the analysis log is kept
    for i in IDS:
        done = json.loads((out / i / "done.json").read_text())
        assert done["id"] == i and len(done["input_sha256"]) == 64 and done["seconds"] > 0
        assert (out / i / "metrics.json").exists() and (out / i / "report.html").exists()
    assert not (out / "bob__bad").exists()
    assert not any((out / ".partial").iterdir())
    html = (out / "index.html").read_text()
    assert set(re.findall(r'href="([^"]+/report.html)"', html)) == {f"{i}/report.html" for i in IDS}
    assert '<option value="alice">' in html and "UnreadableInput" in html


def test_rerun_does_no_work_twice(first_run, tmp_path):
    _, out = first_run
    before = _mtimes(out)
    fail_before = (out / ".failures" / "bob__bad.json").stat().st_mtime_ns
    res = _batch(first_run[1].parent / "missing", "--out", out)  # a wrong DIR is an error, not a wipe
    assert res.exit_code == 2
    trc_tree = Path(json.loads((out / "solo" / "done.json").read_text())["input"]).parent
    res = _batch(trc_tree, "--out", out)
    assert res.exit_code == 1  # the corrupt file still counts as failed
    assert "0 analyzed, 4 skipped (unchanged), 1 failed" in res.output
    assert _mtimes(out) == before
    assert (out / ".failures" / "bob__bad.json").stat().st_mtime_ns == fail_before  # not retried
    st = {r["id"]: r["status"] for r in _rows(out)}
    assert st == {**{i: "skipped-unchanged" for i in IDS}, "bob__bad": "failed-unchanged"}
    assert _rows(out)[0]["cadence_spm"]  # metrics still reported for skipped inputs
    assert [f["path"] for f in _rows(out, "failures.csv")] == ["bob/bad.mp4"]


def test_changed_input_is_redone_alone(fresh_tree, first_run, tmp_path):
    out = Path(shutil.copytree(first_run[1], tmp_path / "out"))
    before = _mtimes(out)
    from .conftest import make_trc

    make_trc(fresh_tree / "solo.trc", seed=9, shin=1.0)  # new content, same name
    (fresh_tree / "bob" / "bad.mp4").unlink()
    res = _batch(fresh_tree, "--out", out, "--workers", 2)
    assert res.exit_code == 0, res.output
    assert "4 inputs: 1 analyzed, 3 skipped (unchanged), 0 failed" in res.output
    after = _mtimes(out)
    assert [i for i in IDS if after[i] != before[i]] == ["solo"]
    assert _rows(out, "failures.csv") == []


def test_retry_failed_and_force(first_run, tmp_path):
    out = Path(shutil.copytree(first_run[1], tmp_path / "out"))
    src = Path(json.loads((out / "solo" / "done.json").read_text())["input"]).parent
    tree = Path(shutil.copytree(src, tmp_path / "in", ignore=shutil.ignore_patterns("alice", "bob")))
    (tree / "bob").mkdir()
    shutil.copy(src / "bob" / "bad.mp4", tree / "bob")
    failed_at = (out / ".failures" / "bob__bad.json").stat().st_mtime_ns
    res = _batch(tree, "--out", out, "--retry-failed")
    assert res.exit_code == 1 and "0 analyzed, 1 skipped (unchanged), 1 failed" in res.output
    assert {r["id"]: r["status"] for r in _rows(out)} == {"bob__bad": "failed", "solo": "skipped-unchanged"}
    assert (out / ".failures" / "bob__bad.json").stat().st_mtime_ns != failed_at
    done_at = (out / "solo" / "done.json").stat().st_mtime_ns
    res = _batch(tree, "--out", out, "--force", "--workers", 2)
    assert res.exit_code == 1 and "1 analyzed, 0 skipped (unchanged), 1 failed" in res.output
    assert (out / "solo" / "done.json").stat().st_mtime_ns != done_at
    assert not (out / ".partial").exists() or not any((out / ".partial").iterdir())


def test_bad_settings_fail_once_before_any_work(trc_tree, tmp_path):
    bad = tmp_path / "cues.toml"
    bad.write_text("no_such_threshold = 3\n")
    res = _batch(trc_tree, "--out", tmp_path / "out", "--config", bad)
    assert res.exit_code == 6, res.output
    res = _batch(trc_tree, "--out", tmp_path / "out", "--manifest", tmp_path / "missing.csv")
    assert res.exit_code == 6 and "manifest" in res.output
    assert not any(p.name.endswith("easy") for p in (tmp_path / "out").glob("*"))
