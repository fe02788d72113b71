"""Matplotlib helpers the report's figures share (PNG data URIs, small multiples, colours)."""

from __future__ import annotations

import base64
import io
import math

__all__ = ["small_multiples", "small_multiples_png"]

_SIDE_COLOUR = {"left": "#1f77b4", "right": "#d62728"}
_BAND_FILL = {"green": "#2ca02c", "amber": "#ffb000", "red": "#e03232"}


def _fig_png(fig) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, bbox_inches="tight")
    import matplotlib.pyplot as plt

    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def small_multiples(n: int, ncol: int, width: float, row_height: float):
    """A figure with ``n`` panels in rows of ``ncol`` (axes always 2-D); inches."""
    nrow = math.ceil(n / ncol)
    return _plt().subplots(nrow, ncol, figsize=(width, row_height * nrow), squeeze=False)


def small_multiples_png(fig, axes, n: int) -> str:
    """Hide the panels after the first ``n``, lay out, and return the figure as a PNG data URI."""
    for ax in list(axes.flat)[n:]:
        ax.axis("off")
    fig.tight_layout()
    return _fig_png(fig)


def _plt():
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    return plt
