"""Benchmarks of ftjobs against the official SDKs (issue 7): ``make bench`` runs ``python -m bench.run``.

Every figure is a ratio measured in the same run against a peer (absolute times on shared machines are
noise): runs are alternated between the contenders and the median of several is kept. These are
scripts, not timed tests.
"""
