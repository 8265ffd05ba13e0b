# expect: has incompatible type "int"; expected "MethodParam | None"
"""method=42 is a type error."""

from ftjobs import Client


def create(client: Client) -> None:
    client.jobs.create(model="gpt-4o-mini", training_file="file-abc123", method=42)
