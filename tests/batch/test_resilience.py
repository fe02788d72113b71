"""Crashes in one input, a killed batch, and recovery of a result caught mid-swap."""

import csv
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

from click.testing import CliRunner

from runform.batch.discovery import Job
from runform.batch.store import OutputStore
from runform.cli import main

from .conftest import make_trc


def _rows(out: Path, name="summary.csv"):
    with open(out / name, newline="") as fh:
        return {r.get("id") or r["path"]: r for r in csv.DictReader(fh)}


def test_crashing_inputs_fail_alone(tmp_path, fault_env):
    root = tmp_path / "in"
    for name in ("exit_a", "segv_b", "good"):
        make_trc(root / f"{name}.trc", duration_s=3.0)
    out = tmp_path / "out"
    res = CliRunner().invoke(main, ["batch", str(root), "--out", str(out), "--workers", "2"])
    assert res.exit_code == 1, res.output
    rows = _rows(out)
    assert rows["good"]["status"] == "ok"
    assert (rows["exit_a"]["error_type"], rows["segv_b"]["error_type"]) == ("WorkerError", "Crash")
    assert "status 3" in rows["exit_a"]["error"] and "SIGSEGV" in rows["segv_b"]["error"]
    assert {r["path"] for r in _rows(out, "failures.csv").values()} == {"exit_a.trc", "segv_b.trc"}
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == \
        ["failures.csv", "good", "index.html", "summary.csv"]
    assert not any((out / ".partial").iterdir())
    # Crashes may be transient (memory): a rerun retries them, but not the finished input.
    (root / "exit_a.trc").unlink()
    res = CliRunner().invoke(main, ["batch", str(root), "--out", str(out)])
    assert res.exit_code == 1 and "0 analyzed, 1 skipped (unchanged), 1 failed" in res.output
    assert _rows(out)["segv_b"]["status"] == "failed"  # retried, crashed again


def test_hanging_input_times_out(tmp_path, fault_env):
    make_trc(tmp_path / "in" / "hang_c.trc", duration_s=3.0)
    t0 = time.monotonic()
    res = CliRunner().invoke(main, ["batch", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--timeout", "2"])
    assert res.exit_code == 1 and time.monotonic() - t0 < 30
    row = _rows(tmp_path / "out")["hang_c"]
    assert row["error_type"] == "Timeout" and "2 s" in row["error"]


def test_killed_batch_loses_nothing_and_resumes(tmp_path):
    root = tmp_path / "in"
    for i in range(3):
        make_trc(root / f"r{i}.trc", seed=i, duration_s=3.0)
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "runform.cli", "batch", str(root), "--out", str(out), "--workers", "1",
           "--no-progress"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not list(out.glob("*/done.json")):
        time.sleep(0.05)
    time.sleep(0.3)  # likely mid-way through the next input
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    finished = sorted(p.parent.name for p in out.glob("*/done.json"))
    assert 1 <= len(finished) < 3
    for d in out.iterdir():  # nothing half-written looks finished
        if not d.name.startswith(".") and d.is_dir():
            assert (d / "done.json").exists() and (d / "metrics.json").exists()
    time.sleep(0.5)  # the orphaned analysis died with its parent (PR_SET_PDEATHSIG)
    mtimes = {i: (out / i / "done.json").stat().st_mtime_ns for i in finished}
    res = subprocess.run([*cmd, "--workers", "2"], capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stdout + res.stderr
    assert f"{3 - len(finished)} analyzed, {len(finished)} skipped" in res.stdout
    assert {i: (out / i / "done.json").stat().st_mtime_ns for i in finished} == mtimes
    assert not any((out / ".partial").iterdir())


def _result(folder: Path, jid: str, finished_at: str) -> None:
    folder.mkdir(parents=True)
    (folder / "metrics.json").write_text("{}")
    (folder / "done.json").write_text(json.dumps({"id": jid, "finished_at": finished_at}))


def test_recover_restores_result_caught_mid_swap(tmp_path):
    store = OutputStore(tmp_path / "out")
    # killed between "move old result aside" and "move new result in": both are in .partial
    work = store.partial / "a-x1"
    _result(work / "replaced", "a", "2026-01-01T00:00:00+00:00")
    _result(work / "out" / "a", "a", "2026-01-02T00:00:00+00:00")
    # killed mid-analysis: no done.json
    (store.partial / "b-x2" / "out" / "b").mkdir(parents=True)
    (store.partial / "b-x2" / "out" / "b" / "metrics.json").write_text("{")
    # finished result already in place: the leftover copy is dropped
    _result(store.out / "c", "c", "2026-01-01T00:00:00+00:00")
    _result(store.partial / "c-x3" / "replaced", "c", "2025-01-01T00:00:00+00:00")
    restored, removed = store.recover()
    assert restored == ["a"] and removed == 3
    assert json.loads((store.out / "a" / "done.json").read_text())["finished_at"].startswith("2026-01-02")
    assert not (store.out / "b").exists() and list(store.partial.iterdir()) == []
    assert json.loads((store.out / "c" / "done.json").read_text())["finished_at"].startswith("2026-01-01")


def test_lock_refuses_a_second_batch(tmp_path):
    import pytest

    from runform.batch.store import BatchBusy

    store = OutputStore(tmp_path / "out")
    with store.locked():
        with pytest.raises(BatchBusy):
            with OutputStore(tmp_path / "out").locked():
                pass
    with store.locked():
        pass


def test_is_current_needs_same_bytes_and_settings(tmp_path):
    store = OutputStore(tmp_path / "out")
    job = Job("a", tmp_path / "a.trc", "a.trc", "trc")
    assert not store.is_current(job, "s1", "h1")
    _result(store.out / "a", "a", "2026-01-01")
    rec = json.loads((store.out / "a" / "done.json").read_text())
    (store.out / "a" / "done.json").write_text(json.dumps({**rec, "input_sha256": "s1", "settings_hash": "h1"}))
    assert store.is_current(job, "s1", "h1")
    assert not store.is_current(job, "s2", "h1") and not store.is_current(job, "s1", "h2")


def test_sigterm_stops_analyses_and_writes_summary(tmp_path, fault_env):
    make_trc(tmp_path / "in" / "hang_x.trc", duration_s=2.0)
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "runform.cli", "batch", str(tmp_path / "in"), "--out", str(out),
                             "--no-progress"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not list(out.glob(".partial/*/spec.json")):
        time.sleep(0.05)
    time.sleep(0.5)
    t0 = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130 and "interrupted" in err
    assert time.monotonic() - t0 < 10  # did not wait for the hanging analysis
    assert _rows(out)["hang_x"]["status"] == "not-run"
    assert not (out / "hang_x").exists()


def test_a_second_input_folder_into_one_output_is_announced(tmp_path):
    """Ids are relative paths: batching another folder into the same OUT says what it replaces."""
    make_trc(tmp_path / "monday" / "a.trc", duration_s=3.0)
    make_trc(tmp_path / "tuesday" / "a.trc", shin=9.0, duration_s=3.0)  # another runner, same name
    out = tmp_path / "out"

    def run(folder):
        res = CliRunner().invoke(main, ["batch", str(tmp_path / folder), "--out", str(out)])
        return res.exit_code, " ".join(res.output.split())  # rich wraps long lines

    code, text = run("monday")
    assert code == 0 and "was last used for" not in text
    code, text = run("tuesday")
    assert code == 0 and "was last used for" in text and "monday" in text
    assert "tuesday" in json.loads((out / "a" / "done.json").read_text())["input"]
    code, text = run("tuesday")
    assert code == 0 and "was last used for" not in text and "1 skipped" in text
