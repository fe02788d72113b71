"""``runform compare``: before/after comparison of analysed running sessions."""
