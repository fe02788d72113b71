"""The product path holds the product: ``runform analyze`` loads none of the data-making code."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

import runform

MAKING = ("runform.synth", "runform.classify.training", "sklearn", "skl2onnx")


@pytest.mark.parametrize("command", ["help", "trc"])
def test_analyze_imports_no_sample_or_training_code(command, shared_data, tmp_path):
    trc = shared_data / "mocap-gt" / "RBDS001runT25_30hz.trc"
    args = ["--help"] if command == "help" else [str(trc), "--out", str(tmp_path), "--no-report"]
    code = ("import sys; from runform.cli import main\n"
            f"try:\n    main(['analyze', *{args!r}])\nexcept SystemExit as e:\n    assert not e.code, e.code\n"
            f"print(sorted(m for m in sys.modules if m.startswith({MAKING!r})))")
    env = {**os.environ, "PYTHONPATH": str(Path(runform.__file__).parents[1])}  # this checkout's runform
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env,
                         cwd=tmp_path)
    assert out.stdout.strip().splitlines()[-1] == "[]"
