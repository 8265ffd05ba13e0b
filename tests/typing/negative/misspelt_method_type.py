# expect: expected "MethodParam | None"
"""A misspelt method type is a type error (the official SDK's types reject it too)."""

from ftjobs import Client


def create(client: Client) -> None:
    client.jobs.create(model="gpt-4o-mini", training_file="file-abc123", method={"type": "supervisd"})
