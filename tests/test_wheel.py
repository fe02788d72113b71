"""A user's install: the built wheel carries the model and analyses a TRC outside the repository."""

import json
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_wheel_installs_and_analyzes_a_trc(shared_data, tmp_path):
    if shutil.which("git") is None:
        pytest.skip("git is needed to copy the tracked tree")
    # Build from a copy of the tracked files, so nothing ignored (a .venv, outputs) leaks in.
    src = tmp_path / "src_tree"
    files = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True).stdout.split(b"\0")
    for rel in filter(None, (f.decode() for f in files)):
        if (REPO / rel).is_file():
            (src / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / rel, src / rel)
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w",
                    str(wheels), str(src)], check=True, capture_output=True)
    wheel = next(wheels.glob("runform-*.whl"))
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    py = venv / "bin" / "python"
    # The dependencies come from this environment (the test runs offline); runform only from the wheel.
    site = subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    Path(site, "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([str(py), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)], check=True,
                   capture_output=True)
    out = tmp_path / "out"
    trc = shared_data / "mocap-gt" / "RBDS001runT25_30hz.trc"
    res = subprocess.run([str(venv / "bin" / "runform"), "analyze", str(trc), "--out", str(out), "--no-report"],
                         capture_output=True, text=True, cwd=tmp_path, env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    assert res.returncode == 0, res.stderr
    doc = json.loads((out / "RBDS001runT25_30hz" / "metrics.json").read_text())
    # The installed package judged with its own bundled model, not with files of the checkout.
    assert doc["overstriding"]["source"] == "classifier"
    assert doc["overstriding"]["model"]["file"] == "overstride.onnx"
    assert "overstride_model_missing" not in doc["quality"]
    where = subprocess.run([str(py), "-c", "import runform; print(runform.__file__)"], capture_output=True,
                           text=True, check=True, cwd=tmp_path).stdout
    assert where.startswith(str(venv))
