"""``python -m ftjobs``: the command line."""

from ftjobs._cli import run

run()
