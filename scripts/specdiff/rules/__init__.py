"""Rule families of the contract diff, one module per family; the registry lists every rule."""
