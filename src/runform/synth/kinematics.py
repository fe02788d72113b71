"""Continuous-time sagittal leg kinematics for :mod:`runform.synth.runner`.

World frame here: X forward (running direction), Y *up*, ground at Y = 0.
Angles of segments are measured from the downward vertical, + forward.
"""

from __future__ import annotations

import numpy as np
from scipy.interpolate import CubicHermiteSpline, PchipInterpolator

from .late_swing import KNEE_MIN_PCT, late_swing_angles, late_swing_pitch

#: Shape of the foot's roll onto the ground after IC: pitch = pitch_ic (1-w)^2 (1+a w)
#: over w in [0, 1] of the roll; a = 1.4 starts at 0.6x and peaks at 1.4x the mean rate.
ROLL_SHAPE = 1.4
#: Lead mode (``knee_lead_s``): the knee's late-swing extension ends this much (rad) short
#: of its IC flexion and flexes back into contact. RBDS/RIC mean curves (53 runners):
#: median 1.2 deg, p90 2.6 deg, the minimum 2 % of the stride before IC.
KNEE_DIP = 0.026
#: Lead mode: least height of the thigh's forward peak above its IC angle (rad); RBDS/RIC:
#: 12.1 deg (median; p10-p90 7.6-15.7), 20 % of the stride before IC.
THIGH_PEAK_MIN = np.radians(12.0)
#: Lead mode: the thigh's retraction from the end of terminal swing to IC, rad per 1 % of
#: the stride in that window. RBDS/RIC mean curves: the thigh is 4.5 deg (median) above its IC
#: angle 10 % of the stride before IC. Retracting the extended leg is also what lowers the foot
#: onto the belt; with a fixed small retraction a long lead left the foot skimming the belt.
THIGH_RETRACT = np.radians(0.45)
#: Lead mode: the heel's least height at the end of terminal swing, HEEL_CLEAR_SPEED x the time
#: left to contact, at most HEEL_CLEAR_MAX (m): the heel then comes down onto the belt at a
#: few tenths of a m/s (the annotated treadmill runner's heel drops 5-12 px, ~1.5-3.5 cm, in
#: the last 33 ms frame before touch).
HEEL_CLEAR_SPEED = 0.5
#: Late-swing mode: the hip's vertical speed at IC (m/s). Real runners' centre of mass lands
#: at ~0.5-0.7 m/s; the annotated 30 fps treadmill runner's heel is 1.5-3.5 cm above the belt
#: one frame before touch.
HIP_LANDING_SPEED = 0.6
HEEL_CLEAR_MAX = 0.02


def keyframe(u, knots, values):
    """Cosine (C1, zero slope at knots) interpolation of ``values`` at ``knots``."""
    u = np.asarray(u, dtype=float)
    knots = np.asarray(knots, float)
    values = np.asarray(values, float)
    i = np.clip(np.searchsorted(knots, u, side="right") - 1, 0, len(knots) - 2)
    w = np.clip((u - knots[i]) / (knots[i + 1] - knots[i]), 0.0, 1.0)
    return values[i] + (values[i + 1] - values[i]) * 0.5 * (1.0 - np.cos(np.pi * w))


def rot(p, vx, vy):
    """Rotate vector (vx, vy) counter-clockwise by angle p (radians)."""
    c, s = np.cos(p), np.sin(p)
    return vx * c - vy * s, vx * s + vy * c


class LegModel:
    """One leg's stance (belt-driven IK) and swing (keyframed FK) kinematics.

    ``phase`` is the leg's gait phase in [0, 1): IC at 0, TO at ``duty``.
    """

    def __init__(self, *, thigh, shank, foot, ankle_x, ankle_h, duty, stride_s,
                 shin_ic, knee_ic, pitch_ic, knee_to, pitch_to, knee_stance_pk,
                 knee_swing_pk, thigh_swing_extra, retraction_s=0.0, catch_s=0.0,
                 catch_frac=0.0, smooth_s=0.0, knee_lead_s=None, late_swing=False):
        self.T, self.S, self.Lf, self.ax, self.ah = thigh, shank, foot, ankle_x, ankle_h
        self.duty, self.stride_s = duty, stride_s
        self.ts = duty * stride_s
        self.shin_ic, self.knee_ic, self.pitch_ic = shin_ic, knee_ic, pitch_ic
        self.knee_to, self.pitch_to = knee_to, pitch_to
        self.v = 0.0
        self.smooth_s = 0.0  # set after the retraction solve, which needs raw angles
        # Heel "catch": at IC the heel still moves forward over the belt at
        # catch_frac * belt speed, decaying to 0 (rolling/shoe compression) over the
        # first catch_s of stance; slows the early-stance shank rotation.
        self.sc = min(catch_s / self.ts, 0.5) if catch_s > 0 else 0.0
        self.cf = catch_frac if self.sc > 0 else 0.0
        th_ic = shin_ic + knee_ic
        # Ankle relative to hip at IC, from the requested shin and knee angles.
        self.ankle_ic = (thigh * np.sin(th_ic) + shank * np.sin(shin_ic),
                         -(thigh * np.cos(th_ic) + shank * np.cos(shin_ic)))
        hx, hy = rot(pitch_ic, ankle_x, ankle_h)
        self.heel_ic_x = self.ankle_ic[0] - hx
        # Belt material coordinate of the heel (pinned heel) / toe - Lf (pinned toe).
        self.b0 = self.heel_ic_x - (0.0 if pitch_ic >= 0 else foot * (1 - np.cos(pitch_ic)))
        self.y_ic = hy - self.ankle_ic[1] if pitch_ic >= 0 else None
        if pitch_ic < 0:  # toe on the ground: heel is above it
            ty = np.sin(pitch_ic) * foot
            self.y_ic = hy - ty - self.ankle_ic[1]
        # Pitch profile over stance fraction s.
        s_flat = 0.15 if pitch_ic >= 0 else 0.2
        self.s_flat = s_flat
        self.pitch_knots = [0.0, s_flat, 0.6, 1.0]
        self.pitch_vals = [pitch_ic, 0.0, 0.0, pitch_to]
        # Foot pitch rate (rad/s) just after IC: real feet are already rolling down
        # at contact (RBDS/RIC mean curves: ~1.6 deg per % of stride), which keeps
        # the ankle from being dragged back at full belt speed.
        self.pitch_rate_ic = pitch_ic * (ROLL_SHAPE - 2.0) / (s_flat * self.ts)
        # Toe-off: hip back at its IC height, knee at knee_to, toe pinned with pitch_to;
        # that fixes how far the belt carries the foot, hence the belt speed.
        y_to = self.y_ic
        d_to2 = thigh ** 2 + shank ** 2 + 2 * thigh * shank * np.cos(knee_to)
        ox, oy = rot(pitch_to, ankle_x - foot, ankle_h)  # ankle relative to the toe
        dx_to = -np.sqrt(max(d_to2 - (y_to - oy) ** 2, (0.1 * thigh) ** 2))
        toe_to_x = dx_to - ox
        # b(1) = b0 - v ts + v ts cf sc / 3 = toe_to_x - foot
        self.v = (self.b0 + foot - toe_to_x) / (self.ts * (1.0 - self.cf * self.sc / 3.0))
        # Mid-stance low point from the requested stance knee peak, kept to a
        # plausible vertical excursion (3-9 cm for a 1.75 m runner).
        scale = (thigh + shank) / 0.8575
        drop = np.clip(self.y_ic - self._hip_height(0.45, knee_stance_pk), 0.03 * scale, 0.09 * scale)
        y_min = self.y_ic - drop
        flight = (0.5 - duty) * stride_s
        apex = max(self.y_ic, y_to) + max(9.81 * flight ** 2 / 8.0, 0.01)
        knots = np.array([0.0, 0.45 * duty, duty, 0.5 * (duty + 0.5)])
        vals = np.array([self.y_ic, y_min, y_to, apex])
        kk = np.concatenate([knots + 0.5 * j for j in range(-2, 3)])
        if late_swing:
            # The hip lands at HIP_LANDING_SPEED (the apex raised to match): real feet hold still
            # relative to the hip in the last ~6 % of the swing (RBDS/RIC curves), so the body's
            # fall is what brings the heel down; PCHIP's flat slope at IC left it hovering.
            apex = max(apex, self.y_ic + HIP_LANDING_SPEED * flight / 4.0)
            vals[3] = apex
            v_ic = 4.0 * (apex - self.y_ic) / flight * stride_s  # m per unit of leg phase
            self._hip_y = CubicHermiteSpline(kk, np.tile(vals, 5), np.tile([-v_ic, 0.0, v_ic, 0.0], 5))
        else:
            self._hip_y = PchipInterpolator(kk, np.tile(vals, 5))
        # Swing keyframes, matched to the stance state at TO.
        th_to, kn_to, be_to = self._stance_angles(np.array([1.0]), y_to)
        th_ic_, be_ic = th_ic, pitch_ic - shin_ic
        self.sw_knots = [0.0, 0.35, 0.72, 1.0]
        self.sw_thigh = [th_to[0], 0.5 * (th_to[0] + th_ic_ + thigh_swing_extra),
                         th_ic_ + thigh_swing_extra, th_ic_]
        self.sw_knee = [kn_to[0], knee_swing_pk, knee_ic + 0.7 * (knee_swing_pk - knee_ic), knee_ic]
        self.sw_beta = [be_to[0], np.radians(15.0), np.radians(15.0), be_ic]
        # Late-swing retraction: the thigh extends before IC at the rate that makes
        # the heel's horizontal velocity relative to the hip continuous at IC (C1).
        _, (hx0, _), _, _ = self._foot_stance(np.array([0.0, 1e-5]))
        vx = (hx0[1] - hx0[0]) / (1e-5 * self.ts)  # heel x velocity rel. hip
        sh_ic = th_ic - knee_ic
        ret_a = -vx / (thigh * np.cos(th_ic) + shank * np.cos(sh_ic))
        self.ret_a, self.ret_w, self.lead_mode = 0.0, 0.0, knee_lead_s is not None
        self.curve = None  # lead mode with late_swing: the real late-swing curves' settings
        self.knee_lead_s = knee_lead_s
        self.lead_retraction = None  # lead mode: thigh retraction after terminal swing (rad)
        sw_s = (1.0 - duty) * stride_s
        self.sw_knots_thigh = self.sw_knots_knee = self.sw_knots_beta = self.sw_knots
        self.steer_knots = [0.0, 0.72, 0.92, 1.0]
        if self.lead_mode:
            # Lead mode: the standard swing keyframes run in the first u_k of the swing and
            # end, stationary, knee_lead_s before IC ("terminal swing" done) with the knee
            # KNEE_DIP short of its IC flexion and the thigh `hold` short of its IC angle.
            # The thigh then retracts (THIGH_RETRACT) and the knee flexes slightly into
            # contact, so the heel drifts back relative to the hip: its forward peak sits at
            # u_k, and knee_lead_s sets it (runform.synth.runner solves it on the smoothed
            # geometry, where the peak moves a few ms).
            u_k = 1.0 - knee_lead_s / sw_s
            if not 0.6 < u_k < 1.0:
                raise ValueError(f"knee_lead_s {knee_lead_s:.3f} s does not fit a {sw_s:.3f} s swing")
            kn_end = knee_ic - KNEE_DIP
            k = [v * u_k for v in self.sw_knots]
            self.sw_knots_thigh = self.sw_knots_knee = k + [1.0]
            self.sw_knots_beta = k
            self.steer_knots = [0.0, 0.72 * u_k, 0.92 * u_k, 1.0]
            self.sw_knee = [kn_to[0], knee_swing_pk, kn_end + 0.7 * (knee_swing_pk - kn_end), kn_end, knee_ic]
            if late_swing:
                # Real runners' thigh and knee into contact (runform.synth.late_swing), timed so
                # that the knee's extension minimum falls knee_lead_s before IC.
                self.curve = dict(stride_s=stride_s, swing_s=sw_s,
                                  stretch=knee_lead_s / (0.01 * KNEE_MIN_PCT * stride_s), thigh_to=th_to[0],
                                  thigh_ic=th_ic_, knee_to=kn_to[0], knee_ic=knee_ic, knee_peak=knee_swing_pk,
                                  pitch_ic=pitch_ic)
                th_k, _ = late_swing_angles(np.array([u_k]), **self.curve)
                self.lead_retraction = float(th_k[0] - th_ic_)
            # Thigh retraction into contact: the real rate, or more where the sole would
            # otherwise come within reach of the belt in terminal swing (the leg is
            # straightest there while the hip is still low from the other leg's stance).
            least = THIGH_RETRACT * 100.0 * knee_lead_s / stride_s
            for hold in np.radians(np.arange(0.0, 30.01, 0.5)) if self.curve is None else []:
                hold = max(hold, least)
                peak = max(th_ic_ + max(thigh_swing_extra, THIGH_PEAK_MIN), th_ic_ + hold + np.radians(3.0))
                self.sw_thigh = [th_to[0], 0.5 * (th_to[0] + peak), peak, th_ic_ + hold, th_ic_]
                if self._swing_clear(u_k, sw_s):
                    break
            if self.curve is None:
                self.lead_retraction = hold
        else:
            # Blended in over a window solved so that the heel's forward peak relative
            # to the hip falls retraction_s before contact (at most ~25 ms: the knee's
            # extension, not the thigh, then sets the peak; lead mode reaches 100 ms).
            if retraction_s > 0:
                self.ret_a = ret_a
                lo, hi = 1e-3, 0.9 * sw_s
                for _ in range(40):
                    self.ret_w = 0.5 * (lo + hi)
                    if self._heel_peak_lead() > retraction_s:
                        hi = self.ret_w
                    else:
                        lo = self.ret_w
        self.smooth_s = smooth_s

    def _swing_clear(self, u_k, sw_s) -> bool:
        """Whether the raw (unsmoothed) sole stays above a cone descending to contact.

        From the swing's forward reach (0.5 u_k) to the end of terminal swing the lowest
        sole point must be at least HEEL_CLEAR_SPEED x the time left to contact, at most
        HEEL_CLEAR_MAX, above the belt.
        """
        u = np.linspace(0.5 * u_k, u_k, 40)
        phase = self.duty + u * (1.0 - self.duty)
        th, kn, p = self._angles(phase)
        hip = self.hip_y(phase)
        ay = hip - self.T * np.cos(th) - self.S * np.cos(th - kn)
        heel = ay - (self.ax * np.sin(p) + self.ah * np.cos(p))
        toe = heel + self.Lf * np.sin(p)
        tau = (1.0 - u) * sw_s
        return bool(np.all(np.minimum(heel, toe) >= np.minimum(HEEL_CLEAR_SPEED * tau, HEEL_CLEAR_MAX)))

    def _heel_peak_lead(self):
        """Time (s) from the heel's forward peak relative to the hip to IC."""
        sw_s = (1.0 - self.duty) * self.stride_s
        tau = np.linspace(0.0, min(0.2, sw_s), 801)
        _, _, (hx, _), _ = self.points(1.0 - tau / self.stride_s - 1e-12, 0.0, 0.0)
        return float(tau[np.argmax(hx)])

    # -- stance ---------------------------------------------------------------
    def _stance_pitch(self, s):
        w = np.clip(s / self.s_flat, 0.0, 1.0)
        roll = self.pitch_vals[0] * (1.0 - w) ** 2 * (1.0 + ROLL_SHAPE * w)
        return np.where(s < self.s_flat, roll, keyframe(s, self.pitch_knots, self.pitch_vals))

    def _foot_stance(self, s):
        p = self._stance_pitch(s)
        b = self.b0 - self.v * self.ts * s
        if self.sc > 0:
            q = np.clip(s / self.sc, 0.0, 1.0)
            b = b + self.cf * self.v * self.ts * self.sc / 3.0 * (1.0 - (1.0 - q) ** 3)
        fx, fy = rot(p, self.Lf, 0.0)
        heel_x = np.where(p >= 0, b, b + self.Lf - fx)
        heel_y = np.where(p >= 0, 0.0, -fy)
        ax, ay = rot(p, self.ax, self.ah)
        return p, (heel_x, heel_y), (heel_x + fx, heel_y + fy), (heel_x + ax, heel_y + ay)

    def _hip_height(self, s, knee):
        _, _, _, (ax, ay) = self._foot_stance(np.array([s]))
        d2 = self.T ** 2 + self.S ** 2 + 2 * self.T * self.S * np.cos(knee)
        return float(ay[0] + np.sqrt(max(d2 - ax[0] ** 2, 1e-6)))

    def hip_y(self, step_phase):
        return self._hip_y(np.mod(step_phase, 0.5))

    def _stance_angles(self, s, hip_y):
        p, _, _, (ax, ay) = self._foot_stance(s)
        dx, dy = ax, ay - hip_y
        d = np.minimum(np.hypot(dx, dy), self.T + self.S - 1e-9)
        ang = np.arctan2(dx, -dy)
        alpha = np.arccos(np.clip((self.T ** 2 + d ** 2 - self.S ** 2) / (2 * self.T * d), -1, 1))
        cosk = np.clip((d ** 2 - self.T ** 2 - self.S ** 2) / (2 * self.T * self.S), -1, 1)
        knee = np.arccos(cosk)
        thigh = ang + alpha
        return thigh, knee, p - (thigh - knee)

    # -- both -----------------------------------------------------------------
    def _angles(self, phase):
        """Thigh, knee flexion and foot pitch (rad) at leg phases (unsmoothed)."""
        phase = np.mod(phase, 1.0)
        stance = phase < self.duty
        s = np.clip(phase / self.duty, 0, 1)
        u = np.clip((phase - self.duty) / (1 - self.duty), 0, 1)
        th_s, kn_s, be_s = self._stance_angles(s, self.hip_y(phase))
        if self.curve is None:
            th_sw, kn_sw = keyframe(u, self.sw_knots_thigh, self.sw_thigh), keyframe(u, self.sw_knots_knee, self.sw_knee)
        else:
            th_sw, kn_sw = late_swing_angles(u, **self.curve)
        th = np.where(stance, th_s, th_sw)
        tau = (1.0 - u) * (1.0 - self.duty) * self.stride_s
        if self.ret_w > 0:
            e = np.clip(1.0 - tau / self.ret_w, 0.0, 1.0) ** 2
            th = th + np.where(stance, 0.0, self.ret_a * tau * e)
        kn = np.where(stance, kn_s, kn_sw)
        be = np.where(stance, be_s, keyframe(u, self.sw_knots_beta, self.sw_beta))
        p = th - kn + be
        # Late swing: steer the foot pitch onto its IC value. Half the post-contact
        # roll rate before IC (mean real foot curves), plus a small toes-up bias so
        # the first contact point really is the lowest one.
        w = keyframe(u, self.steer_knots, [0.0, 0.0, 1.0, 1.0])
        w = np.where(stance, 0.0, w)
        tau = (1.0 - u) * (1.0 - self.duty) * self.stride_s
        late = self.pitch_ic - 0.5 * self.pitch_rate_ic * tau + np.radians(3.0) * ((1.0 - u) / 0.28) ** 2
        pitch = (1.0 - w) * p + w * late
        if self.curve is not None:
            pitch = np.where(stance, pitch, late_swing_pitch(u, pitch, **self.curve))
        return th, kn, pitch

    def angles(self, phase):
        """Thigh, knee flexion and foot pitch (rad) at leg phases, time-smoothed."""
        phase = np.asarray(phase, float)
        if self.smooth_s <= 0:
            return self._angles(phase)
        offs = np.linspace(-2.5, 2.5, 11)
        wts = np.exp(-0.5 * offs ** 2)
        acc = [np.zeros_like(phase) for _ in range(3)]
        for o, wt in zip(offs, wts):
            for a, v in zip(acc, self._angles(phase + o * self.smooth_s / self.stride_s)):
                a += wt * v
        return tuple(a / wts.sum() for a in acc)

    def points(self, phase, hip_x, hip_y):
        """Knee, ankle, heel, toe (each (xs, ys)) for leg phases, hip at (hip_x, hip_y).

        Joint angles are Gaussian-smoothed in time (``smooth_s``): the stance IK and
        the keyframed swing meet with a velocity kink at IC, which real legs do not
        have (their shank turns at ~180 deg/s at contact, RBDS001 mocap).
        """
        th, kn, p = self.angles(phase)
        sh = th - kn
        kx, ky = hip_x + self.T * np.sin(th), hip_y - self.T * np.cos(th)
        ax, ay = kx + self.S * np.sin(sh), ky - self.S * np.cos(sh)
        ox, oy = rot(p, self.ax, self.ah)
        hx, hy = ax - ox, ay - oy
        fx, fy = rot(p, self.Lf, 0.0)
        return (kx, ky), (ax, ay), (hx, hy), (hx + fx, hy + fy)
