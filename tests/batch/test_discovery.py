from pathlib import Path

import pytest

from runform.batch.config import AnalysisSettings, default_workers
from runform.batch.discovery import discover, hash_input, make_ids, read_manifest
from runform.errors import ConfigError, InputNotFound


def _touch(p: Path, data: bytes = b"x") -> Path:
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(data)
    return p


def test_discovery_finds_inputs_and_skips_out_hidden_and_others(tmp_path):
    root = tmp_path / "in"
    _touch(root / "a" / "run.MP4")
    _touch(root / "a" / "notes.txt")
    _touch(root / "b" / "deep" / "x.trc")
    _touch(root / "top.webm")
    _touch(root / ".hidden" / "h.mp4")
    _touch(root / ".dot.mp4")
    _touch(root / "out" / "r" / "annotated.mp4")  # OUT inside DIR
    _touch(root / "op" / "clip_000000000000_keypoints.json", b"{}")
    _touch(root / "op" / "nested.mp4")  # inside an OpenPose folder: not searched
    jobs = discover(root, out=root / "out")
    assert [(j.rel, j.kind, j.runner, j.id) for j in jobs] == [
        ("a/run.MP4", "video", "a", "a__run"),
        ("b/deep/x.trc", "trc", "b", "b__deep__x"),
        ("op", "openpose", "", "op"),
        ("top.webm", "video", "", "top"),
    ]
    assert all(j.path.is_absolute() for j in jobs)


def test_ids_unique_stable_and_safe():
    rels = ["a/clip.mp4", "b/clip.mp4", "clip.mp4", "clip.mov", "x/Clip.mp4", "X/clip.mp4", "we ird/ü?.mp4"]
    ids = make_ids(rels)
    assert len({i.lower() for i in ids.values()}) == len(rels)
    assert ids["a/clip.mp4"] == "a__clip" and ids["clip.mp4"] == "clip-mp4" and ids["clip.mov"] == "clip-mov"
    assert make_ids(list(reversed(rels))) == ids  # order does not matter
    assert all(c.isalnum() or c in "._-" for i in ids.values() for c in i)
    assert not any(i.startswith(".") for i in ids.values())


def test_manifest_overrides_folder_runner(tmp_path):
    root = tmp_path / "in"
    _touch(root / "s1" / "a.mp4")
    _touch(root / "s1" / "b.mp4")
    manifest = tmp_path / "runners.csv"
    manifest.write_text("path,runner\ns1/a.mp4,Ann\n" + f"{root / 's1' / 'b.mp4'},Ben\n")
    jobs = discover(root, manifest=manifest)
    assert [j.runner for j in jobs] == ["Ann", "Ben"]
    assert [j.runner for j in discover(root)] == ["s1", "s1"]
    _touch(root / "ann_week1.mp4")
    _touch(root / "s1" / "ben_2.trc")
    assert [(j.rel, j.runner) for j in discover(root, group_by="prefix")] == \
        [("ann_week1.mp4", "ann"), ("s1/a.mp4", ""), ("s1/b.mp4", ""), ("s1/ben_2.trc", "ben")]
    assert {j.runner for j in discover(root, group_by="none")} == {""}
    with pytest.raises(ConfigError):
        discover(root, group_by="bogus")
    bad = tmp_path / "bad.csv"
    bad.write_text("file,who\n")
    with pytest.raises(ConfigError):
        read_manifest(bad, root)
    with pytest.raises(ConfigError):
        read_manifest(tmp_path / "missing.csv", root)


def test_missing_root(tmp_path):
    with pytest.raises(InputNotFound):
        discover(tmp_path / "nope")


def test_hashes(tmp_path):
    a = _touch(tmp_path / "a.trc", b"one")
    b = _touch(tmp_path / "b.trc", b"one")
    assert hash_input(a) == hash_input(b)
    _touch(tmp_path / "op" / "f_000_keypoints.json", b"{}")
    h = hash_input(tmp_path / "op")
    _touch(tmp_path / "op" / "f_001_keypoints.json", b"{}")
    assert hash_input(tmp_path / "op") != h
    s = AnalysisSettings()
    assert s.settings_hash() == AnalysisSettings().settings_hash() != AnalysisSettings(video=False).settings_hash()
    toml = _touch(tmp_path / "t.toml", b"a = 1\n")
    h1 = AnalysisSettings(thresholds_toml=str(toml)).settings_hash()
    toml.write_bytes(b"a = 2\n")
    assert AnalysisSettings(thresholds_toml=str(toml)).settings_hash() != h1
    assert default_workers() >= 1
