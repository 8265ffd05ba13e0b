# expect: Unexpected keyword argument "role_ar"
"""A misspelt backend field of jobs.create is a type error (GatewayCreateFields is a closed TypedDict)."""

from ftjobs import Client


def go(client: Client) -> None:
    client.jobs.create(model="m", training_file="f", role_ar="arn:aws:iam::1:role/ft")
