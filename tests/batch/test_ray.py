"""A tiny batch on a local Ray cluster (Ray is in the dev extra, so this runs in CI)."""

import csv
import json

import pytest
from click.testing import CliRunner

from runform.cli import main

from .conftest import make_trc

ray = pytest.importorskip("ray")


@pytest.mark.slow
def test_ray_engine_local_cluster(tmp_path):
    root = tmp_path / "in"
    make_trc(root / "ann" / "a.trc", seed=1, duration_s=3.0)
    make_trc(root / "ben" / "b.trc", seed=2, duration_s=3.0)
    (root / "ben" / "broken.mov").write_bytes(b"nope")
    out = tmp_path / "out"
    res = CliRunner().invoke(main, ["batch", str(root), "--out", str(out), "--engine", "ray", "--workers", "2"],
                             catch_exceptions=False)
    assert res.exit_code == 1, res.output
    assert "2 analyzed, 0 skipped (unchanged), 1 failed" in res.output
    with open(out / "summary.csv", newline="") as fh:
        rows = {r["id"]: r for r in csv.DictReader(fh)}
    assert rows["ann__a"]["status"] == rows["ben__b"]["status"] == "ok"
    assert rows["ben__broken"]["error_type"] == "UnreadableInput"
    done = json.loads((out / "ann__a" / "done.json").read_text())
    assert done["engine"] == "ray" and (out / "ann__a" / "report.html").exists()
    assert not ray.is_initialized()  # the local cluster it started is shut down again
    # the rerun needs no cluster: nothing to do
    res = CliRunner().invoke(main, ["batch", str(root), "--out", str(out), "--engine", "ray"])
    assert "0 analyzed, 2 skipped (unchanged), 1 failed" in res.output


def test_ray_missing_is_a_clear_error(tmp_path, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "ray", None)  # import ray -> ImportError
    make_trc(tmp_path / "in" / "a.trc", duration_s=2.0)
    res = CliRunner().invoke(main, ["batch", str(tmp_path / "in"), "--out", str(tmp_path / "out"),
                                    "--engine", "ray"])
    assert res.exit_code == 6 and "pip install 'runform[ray]'" in res.output
    assert not (tmp_path / "out" / "a").exists()
