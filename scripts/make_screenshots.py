"""Regenerate docs/screenshots/: what the runner and the clinician see.

Analyses the three real clips of the shared test data and a bundled sample, compares the
bundled before/after samples, runs a small batch (two runners, one broken file), then:

* takes headless-Chromium screenshots of ``report.html`` (male_side: first screen and symmetry;
  the sprint clip: "How this was filmed" and "What judged this clip"), ``compare.html`` and
  ``index.html`` at 1280 px (scripts/support/browser.py);
* extracts frames of each ``annotated.mp4`` (at a near-leg contact, a far-leg contact, and
  after the last contact, where the runner may have left) into one contact sheet per clip;

pages as 48-colour PNGs, frames as JPEGs (a few hundred KB in total). Pose results are cached in ``--work``, so a
second run only redraws.

usage: python scripts/make_screenshots.py [--data ../shared/data] [--work /tmp/runform-shots]
                                          [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import av
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts" / "support"))

from browser import browser, open_page as _open  # noqa: E402


def open_page(ctx, path: Path):
    """Open a page at 1280 px; stop on a console error or a horizontal overflow (what the
    browser test checks on small inputs, here on the real clips' pages)."""
    page, check = _open(ctx, path)
    if check.errors or check.overflows:
        raise SystemExit(f"{path}: console errors {list(check.errors)}, {check.scroll_width} px wide at "
                         f"{check.client_width} px")
    return page, check

CLIPS = {"male_side": "videos/male_side.mp4", "gym": "videos/treadmill_gym_1080x1920_60fps.mp4",
         "sprint": "videos/sprint_start_multi_person.mp4"}
SAMPLE = "overstrider_30fps.mp4"
BEFORE_AFTER = ("before_retraining_30fps.mp4", "after_retraining_30fps.mp4")
JPEG_QUALITY = 70


def _runform(*args: str) -> None:
    """``runform ARGS`` from this checkout (its src first); a failure stops the script."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]))
    res = subprocess.run([sys.executable, "-m", "runform.cli", *args], env=env, capture_output=True, text=True)
    if res.returncode not in (0, 1):  # batch exits 1 when an input failed (one does, on purpose)
        raise SystemExit(f"runform {' '.join(args)} failed ({res.returncode}): {res.stderr.strip()[-500:]}")


def _analyze(video: Path, out: Path) -> Path:
    _runform("analyze", str(video), "--out", str(out))
    return out / video.stem


def _save_page(img: Image.Image, path: Path) -> None:
    """A page screenshot as a 48-colour PNG: crisp text, smaller than a JPEG of it."""
    img.convert("RGB").quantize(colors=48).save(path, "PNG", optimize=True)


def _save_jpeg(img: Image.Image, path: Path, max_width: int) -> None:
    if img.width > max_width:
        img = img.resize((max_width, round(img.height * max_width / img.width)), Image.LANCZOS)
    img.convert("RGB").save(path, "JPEG", quality=JPEG_QUALITY, optimize=True)


def frame_times(metrics: dict) -> list[float]:
    """Video times to show: just after a near-leg and a far-leg contact in the middle of the clip
    (two contacts over 0.8 s apart when the near side is unknown), and a moment with no contact for
    over a second (the longest gap between contacts, or 1.5 s after the last), when there is one:
    whatever the video showed of the last contact must be gone by then."""
    strides = [s for s in metrics["contacts"] if not s.get("excluded")] or metrics["contacts"]
    near = metrics["runner"].get("near_side")
    mid = strides[len(strides) // 2:] + strides
    first = next((s for s in mid if near is None or s["foot"] == near), mid[0])
    others = [s for s in mid + metrics["contacts"] if s is not first and (
        near is not None and s["foot"] != near or near is None and abs(s["ic_time_s"] - first["ic_time_s"]) > 0.8)]
    second = others[0] if others else mid[-1]  # counted contacts first, then any (an excluded one shows grey)
    times = [first["ic_time_s"] + 0.03, second["ic_time_s"] + 0.03]
    ics = sorted(s["ic_time_s"] for s in metrics["contacts"]) + [metrics["input"]["duration_s"]]
    gap, start = max((b - a, a) for a, b in zip(ics, ics[1:]))
    if gap > 1.2:
        times.append(start + min(1.5, gap - 0.2))
    return times


def contact_sheet(video: Path, times: list[float], height: int = 420) -> Image.Image:
    """The first frame at or after each time, scaled to ``height`` and placed side by side."""
    want, frames = sorted(times), []
    with av.open(str(video)) as c:
        for f in c.decode(video=0):
            if want and f.time is not None and f.time >= want[0]:
                img = f.to_image()
                frames.append(img.resize((round(img.width * height / img.height), height), Image.LANCZOS))
                want.pop(0)
            if not want:
                break
    gap = 6
    sheet = Image.new("RGB", (sum(im.width for im in frames) + gap * (len(frames) - 1), height), "white")
    x = 0
    for im in frames:
        sheet.paste(im, (x, 0))
        x += im.width + gap
    return sheet


def _batch_input(work: Path, data: Path) -> Path:
    """Two runners (motion capture and a sample video) and one unreadable file."""
    root = work / "batch_in"
    shutil.rmtree(root, ignore_errors=True)
    (root / "ann").mkdir(parents=True)
    (root / "ben").mkdir()
    for name in ("RBDS001runT25_60hz.trc", "P01_S01_Running_01_60hz.trc"):
        shutil.copy(data / "mocap-gt" / name, root / "ann" / name)
    shutil.copy(ROOT / "sample_videos" / SAMPLE, root / "ben" / SAMPLE)
    (root / "ben" / "phone_export.mp4").write_bytes(b"not a video: the upload was cut off")
    return root


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--work", type=Path, default=Path("/tmp/runform-shots"))
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    a = ap.parse_args(argv)
    a.out.mkdir(parents=True, exist_ok=True)
    runs = a.work / "analyze"
    folders = {name: _analyze(a.data / rel, runs) for name, rel in CLIPS.items()}
    folders["sample"] = _analyze(ROOT / "sample_videos" / SAMPLE, runs)
    before, after = (_analyze(ROOT / "sample_videos" / v, runs) for v in BEFORE_AFTER)
    _runform("compare", str(before), str(after), "--out", str(a.work / "compare"), "--no-video")
    _runform("batch", str(_batch_input(a.work, a.data)), "--out", str(a.work / "batch"), "--workers", "1")

    for name, folder in folders.items():
        metrics = json.loads((folder / "metrics.json").read_text())
        _save_jpeg(contact_sheet(folder / "annotated.mp4", frame_times(metrics)), a.out / f"annotated_{name}.jpg",
                   1400)
    with browser() as ctx:
        page, _ = open_page(ctx, folders["male_side"] / "report.html")
        page.screenshot(path=str(a.work / "shot.png"))
        _save_page(Image.open(a.work / "shot.png"), a.out / "report_top.png")
        page.locator("img[alt='left right symmetry']").screenshot(path=str(a.work / "shot.png"))
        _save_page(Image.open(a.work / "shot.png"), a.out / "report_symmetry.png")
        # The sprint clip raises flags: its panel shows them in plain words, with filming advice.
        page, _ = open_page(ctx, folders["sprint"] / "report.html")
        boxes = [page.locator(sel).bounding_box() for sel in ("#filming", "#provenance")]
        top, bottom = boxes[0]["y"], boxes[1]["y"] + boxes[1]["height"]
        page.screenshot(path=str(a.work / "shot.png"), full_page=True,
                        clip={"x": boxes[0]["x"], "y": top, "width": boxes[0]["width"], "height": bottom - top})
        _save_page(Image.open(a.work / "shot.png"), a.out / "report_filming.png")
        for html, name in ((a.work / "compare" / "compare.html", "compare"), (a.work / "batch" / "index.html", "index")):
            page, _ = open_page(ctx, html)
            page.screenshot(path=str(a.work / "shot.png"), full_page=True)
            img = Image.open(a.work / "shot.png")
            _save_page(img.crop((0, 0, img.width, min(img.height, 1800))), a.out / f"{name}.png")
    shots = sorted(a.out.glob("*.jpg")) + sorted(a.out.glob("*.png"))
    print(f"{len(shots)} screenshots, {sum(p.stat().st_size for p in shots) / 1024:.0f} KB, in {a.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
