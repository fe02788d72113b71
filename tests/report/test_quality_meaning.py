"""Every quality flag the code can raise is explained in plain words in the report."""

import re
from pathlib import Path

import runform
from runform.report.html import QUALITY_MEANING

SRC = Path(runform.__file__).parent
#: How the stages set a flag: ``quality["name"] = ...``, ``flags[...]``, ``notes[...]`` (f-strings: per foot).
SETS = re.compile(r'(?:quality|flags|notes)\[(f?)"([a-z_{}]+)"\]\s*=')


def raised_flags() -> set[str]:
    names = set()
    for path in SRC.rglob("*.py"):
        for is_f, name in SETS.findall(path.read_text(encoding="utf-8")):
            names |= {name.replace("{foot}", f) for f in ("left", "right")} if is_f else {name}
    names |= set(re.findall(r'"quality": \{"([a-z_]+)"', (SRC / "io" / "trc.py").read_text(encoding="utf-8")))
    return names


def test_every_raised_flag_has_a_meaning():
    raised = raised_flags()
    assert {"low_visibility", "camera_tilt_from_ground", "too_few_contacts_left", "trc_units"} <= raised
    assert raised - set(QUALITY_MEANING) == set()
