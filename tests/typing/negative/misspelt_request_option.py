# expect: Unexpected keyword argument "timout"
"""A misspelt per-call option is a type error (the options are a closed TypedDict)."""

from ftjobs import Client


def go(client: Client) -> None:
    client.jobs.retrieve("ftjob-abc123", timout=5)
