"""Making data, not analysing it: the synthetic runner, the sample-video renderer, the TRC
writer and the overstriding training-set builder.

Used by ``runform demo`` (the bundled sample), the validation scripts, the tests and
``scripts/train_overstride.py``; ``runform analyze`` imports none of it.
"""
