# expect: Unsupported operand types for +
"""n_epochs may be "auto": arithmetic before excluding it is a type error."""

from ftjobs import Client


def epochs(client: Client) -> int:
    job = client.jobs.retrieve("ftjob-abc123")
    if job.hyperparameters is None or job.hyperparameters.n_epochs is None:
        return 0
    return job.hyperparameters.n_epochs + 1
