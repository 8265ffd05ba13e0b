"""Spec tooling for ftjobs: trim, overlay, regenerate, contract diff."""
