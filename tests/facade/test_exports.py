"""The public surface: __all__ is exactly the public names, every one documented."""

from __future__ import annotations

import ftjobs


def test_all_matches_public_names() -> None:
    """Everything public is exported; nothing private leaks (as httpx's test_exported_members)."""
    public = {name for name in dir(ftjobs) if not name.startswith("_")} - {"testing"}
    public -= {name for name in public if type(getattr(ftjobs, name)).__name__ == "module"}
    assert set(ftjobs.__all__) - {"__version__"} == public
    assert ftjobs.__all__ == sorted(ftjobs.__all__, key=str.lower) or ftjobs.__all__ == sorted(ftjobs.__all__)


def test_every_public_name_is_documented() -> None:
    """Each exported class and function has a docstring, and so does each public method."""
    for name in ftjobs.__all__:
        obj = getattr(ftjobs, name)
        if isinstance(obj, str):
            continue
        assert obj.__doc__, name
        for attr, value in vars(obj).items() if isinstance(obj, type) else ():
            if not attr.startswith("_") and callable(value):
                assert value.__doc__, f"{name}.{attr}"


def test_import_does_not_load_generated_models_or_server() -> None:
    """`import ftjobs` stays light: generated models and the server load on first use only."""
    import subprocess
    import sys

    code = (
        "import sys, ftjobs; ftjobs.Client(api_key='x');"
        "print(sorted(m for m in sys.modules if m.startswith(('ftjobs_generated.models', 'ftjobs._server'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
