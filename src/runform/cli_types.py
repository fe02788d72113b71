"""Command-line parameter types shared by the commands."""

from __future__ import annotations

import math

import click

__all__ = ["FiniteFloatRange"]


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
