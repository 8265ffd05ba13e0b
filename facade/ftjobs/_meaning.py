"""What the facade adds to generated classes: meaning the spec does not state, over their fields.

``openapi/generator.yaml`` (``x-ftjobs-views: bases``) names these mixins as bases of the classes
in ``ftjobs_generated.views``; they hold no data (empty ``__slots__``) and no per-field code.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

if TYPE_CHECKING:
    from ftjobs_generated.views import Method


class JobMeaning:
    """Shortcuts on :class:`ftjobs.Job`."""

    __slots__ = ()

    if TYPE_CHECKING:
        method: Method | None

    @property
    def method_type(self) -> str | None:
        """``"supervised"``, ``"dpo"`` or ``"reinforcement"`` (None when the server did not say)."""
        return self.method.type if self.method is not None else None


class GraderErrorsMeaning:
    """:attr:`any` on :class:`ftjobs.GraderRunErrors`."""

    __slots__ = ()

    @property
    def any(self) -> bool:
        """Whether any error flag is set (a boolean field that is ``True``)."""
        return any(getattr(self, f.name) is True for f in attrs.fields(type(self)))  # type: ignore[arg-type]
