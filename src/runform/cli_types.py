"""Command-line parameter types shared by the commands."""

from __future__ import annotations

import math

import click

__all__ = ["FiniteFloatRange", "PixelPoint"]


class FiniteFloatRange(click.FloatRange):
    """:class:`click.FloatRange` that also refuses ``nan`` and ``inf``.

    click parses ``nan`` as a float and every comparison with NaN is false, so a plain
    FloatRange lets it through (and ``inf`` through any range without a maximum).
    """

    name = "finite float range"

    def convert(self, value, param, ctx):
        rv = super().convert(value, param, ctx)
        if not math.isfinite(rv):
            self.fail(f"{value!r} is not a finite number.", param, ctx)
        return rv


class PixelPoint(click.ParamType):
    """``x,y``: a point in pixels (two finite numbers, neither negative), e.g. ``--runner 420,310``."""

    name = "x,y"

    def convert(self, value, param, ctx):
        if isinstance(value, tuple):
            return value
        parts = str(value).replace(" ", "").split(",")
        try:
            x, y = (float(p) for p in parts)
        except ValueError:
            self.fail(f"{value!r} is not a point: give two pixel numbers as x,y (e.g. 420,310).", param, ctx)
        if not (math.isfinite(x) and math.isfinite(y)) or x < 0 or y < 0:
            self.fail(f"{value!r} is not a point in the picture: x and y are pixels from the top-left corner, "
                      "0 or more.", param, ctx)
        return (x, y)
