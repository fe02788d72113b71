"""Deterministic synthetic 2D sagittal treadmill running, with exact truth.

The model (see :mod:`runform.synth.kinematics`) is built in a world frame with
X forward and Y up, ground at Y = 0, pelvis at a fixed X (treadmill). The stance
foot rolls on the belt without slipping (heel pivot while toes are up, flat, then
toe pivot after heel-off), so it moves backward at belt speed relative to the
pelvis; the stance knee follows by inverse kinematics from a smooth hip-height
curve, whose value at initial contact (IC) is solved from the requested shin,
knee and foot angles. Swing joint angles are smooth keyframed curves matched to
the stance state at toe-off (TO) and IC. The left leg runs half a cycle behind.

Contact timing (``heel_lead_s``, ``shank_rate_ic_deg_per_pct``). Left unset, the runner
is the older model: truth IC is the model's nominal contact, which precedes the
foot's first touch of the ground by 9-11 ms on the bundled samples (the joint angles
are time-smoothed), and the heel's forward peak leads that touch by ~35 ms. With
``heel_lead_s`` set, truth IC *is* the first touch of the sole on the ground (and
truth TO the toe leaving it), measured on the drawn geometry by
:mod:`runform.synth.contact`; the requested shin, knee and foot angles, the heel
lead and the shank's rotation rate all hold at that instant (solved numerically).

Output keypoints use image-style coordinates: ``x = direction * X``, ``y = -Y``
(metres, y down, ground at y = 0, body at negative y).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from ..keypoints import INDEX, KEYPOINT_NAMES, Keypoints
from .image_pose import measure_pose, to_image, to_pixels
from .kinematics import LegModel
from .late_swing import HEEL_LEAD_PCT, KNEE_MIN_PCT, population_runner

__all__ = ["GaitParams", "generate_run", "to_pixels", "measure_pose"]


@dataclass(frozen=True)
class GaitParams:
    """Knobs of the synthetic runner (angles in degrees). Defaults: a relaxed runner."""

    cadence_spm: float = 172.0
    height_m: float = 1.75
    duty_factor: float = 0.35  #: contact fraction of the stride (must be < 0.5)
    shin_angle_ic_deg: float = 4.0  #: 4 relaxed, ~12 overstrider
    foot_strike_angle_ic_deg: float = 15.0  #: 15 heel, 3 mid, -8 forefoot
    knee_flexion_ic_deg: float = 15.0
    knee_flexion_stance_peak_deg: float = 40.0
    knee_flexion_to_deg: float = 25.0
    knee_flexion_swing_peak_deg: float = 100.0
    foot_pitch_to_deg: float = -45.0  #: heel->toe pitch at toe-off (heel up)
    thigh_swing_extra_deg: float = 8.0  #: thigh flexion beyond IC before retraction
    retraction_s: float = 0.025  #: heel's forward peak (rel. pelvis) to IC, s; 0 = peak at IC
    #: Heel's forward peak (rel. pelvis) to the first ground touch (true IC), s. None: older
    #: model (``retraction_s``; truth IC at the nominal contact). Real: RBDS/RIC mean curves
    #: median 2.9 % of the stride, p5-p95 0.8-4.2 % (6-30 ms at 0.73 s; max 36 ms), ~60-85 ms
    #: on the annotated treadmill runner (scripts/population_contact_ranges.py). The model
    #: reaches ~20-30 ms (with joint_smoothing_s 0.006; ~30-40 at 0.012) up to ~110 ms.
    heel_lead_s: float | None = None
    #: Shank rotation through the first touch, deg per 1 % of the stride ((+1 %) - (-1 %)) / 2,
    #: negative = turning back). None: what the model gives (-2.2 to -3.9; the bundled samples
    #: -2.6 to -2.8). RBDS/RIC (105 rows): median -1.65, p5-p95 -2.38 to -0.14. Needs
    #: ``heel_lead_s``; solved through the heel catch fraction (0-0.95 of belt speed), so the
    #: slow end is out of reach for some runners (a ValueError says the reach).
    shank_rate_ic_deg_per_pct: float | None = None
    #: Swing into contact from real runners' median thigh and knee curves
    #: (:mod:`runform.synth.late_swing`), time-scaled to give ``heel_lead_s``: the shank is
    #: nearly still at touch and the heel comes down smoothly, as in real running. False: the
    #: keyframed swing, whose thigh retracts into contact (the shank turning ~4 deg per 1 %
    #: of the stride before touch, RBDS/RIC p95 +1.2). Needs ``heel_lead_s``.
    late_swing: bool = False
    #: Late swing from ONE real runner's curves (index into
    #: :func:`runform.synth.late_swing.population_runner`, RBDS/RIC subject x side) instead of the
    #: median's: its own heel lead, thigh retraction, knee and foot into contact. Needs
    #: ``late_swing``. With ``heel_lead_s`` None the curves run at their own timing (the heel
    #: lead is then what this leg gives, in the truth's ``contact`` block); set, they are
    #: time-scaled to give it.
    population_runner: int | None = None
    #: Late swing: the hip's vertical speed at IC (m/s; None: 0.6, the centre of mass's). Real
    #: runners' soles hold within 0-2 cm of their IC height *relative to the hip* over the last
    #: ~9 % of the stride (RBDS/RIC), yet the annotated real heel is 1.5-3.5 cm up one 33 ms
    #: frame before touch: it is the hip's fall that brings the foot down.
    hip_landing_speed_m_s: float | None = None
    #: Late swing: the belt's speed (m/s; None: what the toe-off geometry gives, ~3.1 on the
    #: heel strikers). Set, the hip at toe-off rises to where the leg (``knee_flexion_to_deg``)
    #: reaches the toe the belt has carried back, and the flight to the next contact is
    #: ballistic, so a hip that took off higher lands faster. RBDS/RIC ran at 2.5 m/s.
    belt_speed_m_s: float | None = None
    #: With ``belt_speed_m_s``: the hip's falling speed just after IC (m/s; None: the landing
    #: speed, no impact). The impact stops the fall within a few ms, so the stance knee flexes
    #: at the real rate (RBDS/RIC: +1.8 deg/% after IC) rather than ~8 deg/%.
    hip_stance_speed_m_s: float | None = None
    heel_catch_s: float = 0.03  #: early-stance time over which the heel's forward slide stops
    heel_catch_frac: float = 0.0  #: heel speed over the belt at IC, fraction of belt speed
    joint_smoothing_s: float = 0.012  #: s.d. (s) of the Gaussian time-smoothing of joint angles
    trunk_lean_deg: float = 5.0
    lean_from_waist: bool = True  #: True: bend at the hip, head re-levelled; False: straight line
    arm_swing_deg: float = 30.0  #: upper-arm swing amplitude about vertical
    elbow_flexion_deg: float = 90.0
    direction: int = 1  #: +1 runner faces image right (+x), -1 faces left
    fps: float = 120.0
    duration_s: float = 10.0
    seed: int = 0
    noise_m: float = 0.0  #: s.d. of Gaussian landmark noise added to xy

    def __post_init__(self) -> None:
        if self.direction not in (1, -1):
            raise ValueError("direction must be +1 or -1")
        if not 0.15 <= self.duty_factor < 0.5:
            raise ValueError("duty_factor must be in [0.15, 0.5)")
        if self.cadence_spm <= 0 or self.fps <= 0 or self.duration_s <= 0 or self.height_m <= 0:
            raise ValueError("cadence_spm, fps, duration_s and height_m must be positive")
        if self.heel_lead_s is not None and not 0.005 <= self.heel_lead_s <= 0.15:
            raise ValueError("heel_lead_s must be in [0.005, 0.15] s")
        if self.shank_rate_ic_deg_per_pct is not None:
            if not self.touch_model:
                raise ValueError("shank_rate_ic_deg_per_pct needs heel_lead_s (the first-touch model)")
            if not -4.0 <= self.shank_rate_ic_deg_per_pct <= 0.0:
                raise ValueError("shank_rate_ic_deg_per_pct must be in [-4, 0]")
        if self.population_runner is not None:
            if not self.late_swing:
                raise ValueError("population_runner needs late_swing")
            population_runner(self.population_runner)  # range check
        elif self.late_swing and self.heel_lead_s is None:
            raise ValueError("late_swing needs heel_lead_s (the first-touch model) or population_runner")
        if (self.belt_speed_m_s is not None or self.hip_landing_speed_m_s is not None) and not self.late_swing:
            raise ValueError("belt_speed_m_s and hip_landing_speed_m_s need late_swing")

    @property
    def touch_model(self) -> bool:
        """True when truth IC is the first ground touch (``heel_lead_s`` or ``population_runner`` set)."""
        return self.heel_lead_s is not None or self.population_runner is not None

    # Winter's anthropometric fractions of height.
    @property
    def thigh_m(self) -> float:
        return 0.245 * self.height_m

    @property
    def shank_m(self) -> float:
        return 0.246 * self.height_m

    @property
    def foot_m(self) -> float:
        return 0.152 * self.height_m

    @property
    def stride_s(self) -> float:
        return 120.0 / self.cadence_spm


def _make_leg(p: GaitParams, ask, knee_lead_s=None, catch_frac=None) -> LegModel:
    r = np.radians
    return LegModel(
        thigh=p.thigh_m, shank=p.shank_m, foot=p.foot_m, ankle_x=0.22 * p.foot_m,
        ankle_h=0.039 * p.height_m, duty=p.duty_factor, stride_s=p.stride_s,
        shin_ic=ask[0], knee_ic=ask[1], pitch_ic=ask[2], knee_to=r(p.knee_flexion_to_deg),
        pitch_to=r(p.foot_pitch_to_deg), knee_stance_pk=r(p.knee_flexion_stance_peak_deg),
        knee_swing_pk=r(p.knee_flexion_swing_peak_deg),
        thigh_swing_extra=r(p.thigh_swing_extra_deg), retraction_s=p.retraction_s,
        catch_s=p.heel_catch_s, catch_frac=p.heel_catch_frac if catch_frac is None else catch_frac,
        smooth_s=p.joint_smoothing_s, knee_lead_s=knee_lead_s, late_swing=p.late_swing,
        curves=None if p.population_runner is None else population_runner(p.population_runner),
        hip_landing_speed=p.hip_landing_speed_m_s, belt_speed=p.belt_speed_m_s,
        hip_stance_speed=p.hip_stance_speed_m_s)


def _leg_model(p: GaitParams) -> LegModel:
    """The leg model whose (time-smoothed) IC shin, knee and foot angles are the requested ones.

    Smoothing the joint angles moves their values at IC by a degree or two, so the
    keyframe targets are corrected by fixed-point iteration until they match.
    """
    if p.touch_model:
        return _touch_leg_model(p)
    r = np.radians
    want = np.array([r(p.shin_angle_ic_deg), r(p.knee_flexion_ic_deg), r(p.foot_strike_angle_ic_deg)])
    ask = want.copy()
    for _ in range(4):
        leg = _make_leg(p, ask)
        th, kn, pitch = (float(v[0]) for v in leg.angles(np.array([0.0])))
        err = want - np.array([th - kn, kn, pitch])
        if p.joint_smoothing_s <= 0 or np.max(np.abs(err)) < r(0.05):
            break
        ask = ask + err
    return leg


def _touch_angles(leg: LegModel, touch: float) -> np.ndarray:
    """Shin, knee flexion and heel->toe pitch (rad) of the drawn leg at ``touch`` (s after nominal)."""
    (kx, ky), (ax, ay), (hx, hy), (tx, ty) = leg.points(np.array([touch / leg.stride_s]), 0.0, 0.0)
    th, kn, _ = leg.angles(np.array([touch / leg.stride_s]))
    return np.array([float(np.arctan2(ax - kx, ky - ay)[0]), float(kn[0]),
                     float(np.arctan2(ty - hy, tx - hx)[0])])


def _touch_leg_model(p: GaitParams) -> LegModel:
    """Lead-mode leg whose angles, heel lead and shank rate hold at the first ground touch.

    Knobs: the keyframe IC angles (fixed point) and the knee's extension lead (heel
    lead, secant) for a given heel catch fraction; around that, the catch fraction
    (a heel still sliding forward at contact slows the shank) by bisection on [0, 0.95]
    when a shank rate is requested.
    """
    from .contact import measure_contact

    r = np.radians
    want = np.array([r(p.shin_angle_ic_deg), r(p.knee_flexion_ic_deg), r(p.foot_strike_angle_ic_deg)])

    def solve(cf: float):
        # Late-swing curves: the knee's extension minimum comes ~2/3 of the heel lead before IC.
        free = p.heel_lead_s is None  # one real runner's curves at their own timing
        if free:
            lead_ask = 0.01 * population_runner(p.population_runner).knee_lead_pct * p.stride_s
        else:
            lead_ask = p.heel_lead_s * (KNEE_MIN_PCT / HEEL_LEAD_PCT if p.late_swing else 1.0)
        ask, prev = want.copy(), None
        for _ in range(25):
            leg = _make_leg(p, ask, knee_lead_s=lead_ask, catch_frac=cf)
            m = measure_contact(leg)
            err = want - _touch_angles(leg, m["first_touch_s"])
            lead_err = 0.0 if free else p.heel_lead_s - m["heel_peak_lead_s"]
            if np.max(np.abs(err)) < r(0.04) and abs(lead_err) < 5e-4:
                return leg, m
            ask = ask + err
            slope = 1.0
            if prev is not None and abs(lead_ask - prev[0]) > 1e-6:
                slope = float(np.clip((m["heel_peak_lead_s"] - prev[1]) / (lead_ask - prev[0]), 0.3, 3.0))
            prev = (lead_ask, m["heel_peak_lead_s"])
            lead_ask = lead_ask if free else float(np.clip(lead_ask + lead_err / slope, 0.002, 0.5 * (1 - p.duty_factor) * p.stride_s))
        raise ValueError(f"heel lead {(p.heel_lead_s or 0) * 1e3:.0f} ms and the IC angles did not converge "
                         f"(lead {m['heel_peak_lead_s'] * 1e3:.1f} ms)")

    rate_want = p.shank_rate_ic_deg_per_pct
    if rate_want is None:
        return solve(float(p.heel_catch_frac))[0]
    lo = 0.0
    r_lo = solve(lo)[1]["shank_rate_deg_per_pct"]
    for hi in (0.95, 0.8, 0.65, 0.5):  # a large catch can keep the solve from converging
        try:
            r_hi = solve(hi)[1]["shank_rate_deg_per_pct"]
            break
        except ValueError:
            if hi == 0.5:
                raise
    if not r_lo - 0.02 <= rate_want <= r_hi + 0.02:
        raise ValueError(f"shank rate {rate_want} deg/% is out of this runner's reach "
                         f"({r_lo:.2f} to {r_hi:.2f} deg/% over heel catch 0-{hi:.2f})")
    for _ in range(30):  # the rate rises (slows) monotonically with the catch fraction
        cf = float(np.clip(lo + (rate_want - r_lo) * (hi - lo) / (r_hi - r_lo), lo, hi))
        if min(cf - lo, hi - cf) < 0.05 * (hi - lo):
            cf = 0.5 * (lo + hi)  # keep the bracket shrinking on both sides
        leg, m = solve(cf)
        got = m["shank_rate_deg_per_pct"]
        if abs(got - rate_want) < 0.02:
            return leg
        if got < rate_want:
            lo, r_lo = cf, got
        else:
            hi, r_hi = cf, got
    raise ValueError(f"shank rate {rate_want} deg/% did not converge")


def _t0(p: GaitParams) -> float:
    """Time of the first right IC (slightly after t = 0, off the frame grid)."""
    return 0.137 * p.stride_s


def _world_pose(p: GaitParams, leg: LegModel, t: np.ndarray) -> np.ndarray:
    """(len(t), K, 2) world points (X forward, Y up) at times t."""
    t = np.atleast_1d(np.asarray(t, float))
    H = p.height_m
    ph_r = (t - _t0(p)) / p.stride_s
    out = np.full((t.size, len(KEYPOINT_NAMES), 2), np.nan)

    def put(name, x, y):
        out[:, INDEX[name], 0] = x
        out[:, INDEX[name], 1] = y

    hip_y = leg.hip_y(ph_r)
    put("pelvis", 0.0, hip_y)
    for side, ph, dx in (("right", ph_r, 0.01), ("left", ph_r - 0.5, -0.01)):
        put(f"{side}_hip", dx, hip_y)
        knee, ankle, heel, toe = leg.points(ph, dx, hip_y)
        put(f"{side}_knee", *knee)
        put(f"{side}_ankle", *ankle)
        put(f"{side}_heel", *heel)
        put(f"{side}_toe", *toe)
    # Trunk: lean plus a small oscillation at step frequency.
    lean = np.radians(p.trunk_lean_deg + 1.0 * np.sin(4 * np.pi * ph_r))
    trunk = 0.30 * H
    nx, ny = trunk * np.sin(lean), hip_y + trunk * np.cos(lean)
    put("neck", nx, ny)
    put("right_shoulder", nx + 0.01, ny)
    put("left_shoulder", nx - 0.01, ny)
    head_ang = np.radians(0.3 * p.trunk_lean_deg) if p.lean_from_waist else lean
    hx, hy = nx + 0.13 * H * np.sin(head_ang), ny + 0.13 * H * np.cos(head_ang)
    put("head", hx, hy)
    put("nose", hx + 0.055 * H * np.cos(head_ang), hy - 0.012 * H)
    # Arms swing opposite to the same-side leg (right arm back at right IC).
    for side, ph, dx in (("right", ph_r, 0.01), ("left", ph_r - 0.5, -0.01)):
        ua = -np.radians(p.arm_swing_deg) * np.cos(2 * np.pi * (ph - 0.05))
        el = np.radians(p.elbow_flexion_deg + 10.0 * np.sin(2 * np.pi * ph))
        ex, ey = nx + dx + 0.186 * H * np.sin(ua), ny - 0.186 * H * np.cos(ua)
        put(f"{side}_elbow", ex, ey)
        put(f"{side}_wrist", ex + 0.146 * H * np.sin(ua + el), ey - 0.146 * H * np.cos(ua + el))
    return out


def generate_run(params: GaitParams | None = None) -> tuple[Keypoints, dict]:
    """Generate a keypoint series (units ``m``, y down, ground y = 0) and its truth.

    Truth: ``events`` and ``stances`` (one per contact fully inside the record,
    sorted by IC time) with angles measured from the noise-free geometry at the
    exact IC time, plus ``cadence_spm``, ``leg_length_m``, ``speed_mps``,
    ``ic_definition``, ``contact`` (measured on the geometry, times relative to
    truth IC: ``first_touch_s``, ``last_touch_s``, ``heel_peak_lead_s`` (heel's
    forward peak rel. pelvis to truth IC), ``heel_peak_lead_to_first_touch_s``,
    ``shank_rate_at_first_touch_deg_per_pct`` and ``_deg_s``, and the solved knobs
    ``heel_catch_frac``, ``knee_lead_s`` and ``thigh_retraction_in_lead_deg``) and ``params``.
    """
    p = params or GaitParams()
    leg = _leg_model(p)
    n = int(np.floor(p.duration_s * p.fps + 1e-9))
    t = np.arange(n) / p.fps
    xy = to_image(_world_pose(p, leg, t), p.direction)
    if p.noise_m > 0:
        xy = xy + np.random.default_rng(p.seed).normal(0.0, p.noise_m, xy.shape)
    conf = np.ones(xy.shape[:2])
    kp = Keypoints(xy, conf, t, units="m",
                   meta={"source": "synthetic", "params": asdict(p)})

    from .contact import measure_contact

    contact = measure_contact(leg)
    # Truth IC / TO: the model's nominal contact, or (touch model) the sole's first touch of
    # the ground and the toe leaving it, measured on the drawn geometry.
    ic_shift = contact["first_touch_s"] if p.touch_model else 0.0
    to_shift = contact["last_touch_s"] if p.touch_model else p.duty_factor * p.stride_s
    events, stances = [], []
    T, t0 = p.stride_s, _t0(p)
    t_end = t[-1] if n else 0.0
    for foot, off in (("right", 0.0), ("left", 0.5)):
        k = int(np.floor((0.0 - t0) / T - off)) - 1
        while True:
            nominal = t0 + (k + off) * T
            ic, to = nominal + ic_shift, nominal + to_shift
            k += 1
            if ic > t_end:
                break
            if ic < 0 or to > t_end:
                continue
            events.append({"foot": foot, "ic_time_s": float(ic), "to_time_s": float(to)})
            pose = to_image(_world_pose(p, leg, np.array([ic])), p.direction)[0]
            stances.append({"foot": foot, "ic_time_s": float(ic), "to_time_s": float(to),
                            **measure_pose(pose, p.direction, foot)})
    events.sort(key=lambda e: e["ic_time_s"])
    stances.sort(key=lambda e: e["ic_time_s"])
    truth = {"events": events, "stances": stances, "cadence_spm": float(p.cadence_spm),
             "leg_length_m": p.thigh_m + p.shank_m, "speed_mps": float(leg.v),
             "ic_definition": "first ground touch of the sole" if p.touch_model
             else "model's nominal contact (the sole touches first_touch_s later)",
             "contact": {"first_touch_s": contact["first_touch_s"] - ic_shift,
                         "last_touch_s": contact["last_touch_s"] - ic_shift,
                         "heel_peak_lead_s": contact["heel_peak_lead_s"] - (contact["first_touch_s"] - ic_shift),
                         "heel_peak_lead_to_first_touch_s": contact["heel_peak_lead_s"],
                         "shank_rate_at_first_touch_deg_per_pct": contact["shank_rate_deg_per_pct"],
                         "shank_rate_at_first_touch_deg_s": 100.0 * contact["shank_rate_deg_per_pct"] / p.stride_s,
                         "heel_catch_frac": float(leg.cf), "knee_lead_s": leg.knee_lead_s,
                         "thigh_retraction_in_lead_deg": None if leg.lead_retraction is None
                         else float(np.degrees(leg.lead_retraction))},
             "params": asdict(p)}
    return kp, truth
