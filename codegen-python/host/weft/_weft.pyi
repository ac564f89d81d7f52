"""The native half of `weft` (typed in full by the package's own stub,
`codegen-python/runtime-api/weft.pyi`; here only as far as
`weft/__init__.py` needs)."""

from typing import Any

def __getattr__(name: str) -> Any: ...
