"""The on-disk compile cache, across real processes: the first process to
load a component compiles it and stores the code, the next loads it from
the cache (`Component.from_cache`) and behaves the same; a damaged entry
is compiled again and replaced; `WEFT_NO_CACHE` turns the cache off; a
cache that cannot be written costs only the compile."""

from __future__ import annotations

import json
import os
import pathlib
import stat
import subprocess
import sys
from collections.abc import Callable
from importlib import resources
from typing import Any

import pytest

import kitchen_sink as ks
import weft

HERE = pathlib.Path(__file__).resolve().parent


def wasm() -> bytes:
    """The kitchen-sink component packaged with its bindings."""
    return resources.files("kitchen_sink").joinpath("kitchen_sink.wasm").read_bytes()


def calls(sink: ks.KitchenSink) -> list[Any]:
    """A few calls (one calling back into the Python host), as JSON."""
    return [
        sink.scalars.add_u32(40, 2),
        sink.host_sum([1, 2, 3, 2**63]),
        sink.greet_all(["cache", "weft"]),
        repr(sink.compute_stats([5, -3, 9])),
    ]


# The child: loads the component from its bytes, reports whether the code
# came from the cache and what the calls return, then loads the same
# bytes again.
CHILD = """
import json

import kitchen_sink as ks
import weft
from conftest import Host, HostThings
from test_cache import calls, wasm

component = weft.Component(wasm())
sink = ks.KitchenSink(component=component, host=Host(), host_things=HostThings())
print(json.dumps({
    "from_cache": component.from_cache,
    "again": weft.Component(wasm()).from_cache,
    "cache_dir": weft.cache_dir(),
    "result": calls(sink),
}))
"""

# The variables that choose the cache; each child gets only those its
# test gives.
CACHE_VARS = ("WEFT_CACHE_DIR", "WEFT_NO_CACHE", "XDG_CACHE_HOME")


@pytest.fixture
def expected(sink: ks.KitchenSink) -> list[Any]:
    """What the calls return in this process."""
    return calls(sink)


def child(expected: list[Any], **env: str) -> dict[str, Any]:
    """Runs CHILD in a fresh interpreter with `env` over this one's
    environment (less the cache variables), checks that its calls returned
    what they do here, and returns its report."""
    child_env = {k: v for k, v in os.environ.items() if k not in CACHE_VARS}
    child_env.update(env)
    done = subprocess.run(
        [sys.executable, "-c", CHILD],
        cwd=HERE,
        env=child_env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    report: dict[str, Any] = json.loads(done.stdout)
    assert report["result"] == expected
    return report


def entries(cache: pathlib.Path) -> list[pathlib.Path]:
    """The cache's files (entries and anything else left there)."""
    return sorted(cache.iterdir()) if cache.exists() else []


def test_the_run_uses_a_cache_of_its_own() -> None:
    # conftest.py points the whole run at a temporary directory, so the
    # tests never fill the user's ~/.cache/weft.
    cache = weft.cache_dir()
    assert cache is not None and cache == os.environ["WEFT_CACHE_DIR"]
    assert not cache.startswith(os.path.expanduser("~/.cache"))


def test_a_component_says_whether_it_came_from_the_cache() -> None:
    first = weft.Component(wasm())
    assert isinstance(first.from_cache, bool)
    # Whatever the first load did, the code is in the cache now.
    assert weft.Component(wasm()).from_cache is True
    with pytest.raises(AttributeError):
        setattr(first, "from_cache", False)


def test_a_second_process_loads_from_the_cache(
    tmp_path: pathlib.Path, expected: list[Any]
) -> None:
    cache = tmp_path / "nested" / "cache"
    first = child(expected, WEFT_CACHE_DIR=str(cache))
    assert first["from_cache"] is False
    assert first["again"] is True
    assert first["cache_dir"] == str(cache)
    [entry] = entries(cache)
    assert entry.suffix == ".weftbin"
    if os.name == "posix":
        assert stat.S_IMODE(cache.stat().st_mode) == 0o700
    stored = entry.read_bytes()

    second = child(expected, WEFT_CACHE_DIR=str(cache))
    assert second["from_cache"] is True
    assert second["again"] is True
    assert entries(cache) == [entry]
    assert entry.read_bytes() == stored


def truncate(data: bytes) -> bytes:
    return data[: len(data) // 2]


def empty(data: bytes) -> bytes:
    return b""


def flip_a_byte(data: bytes) -> bytes:
    middle = len(data) // 2
    return data[:middle] + bytes([data[middle] ^ 0x40]) + data[middle + 1 :]


@pytest.mark.parametrize("damage", [truncate, empty, flip_a_byte])
def test_a_damaged_entry_is_compiled_again(
    tmp_path: pathlib.Path, expected: list[Any], damage: Callable[[bytes], bytes]
) -> None:
    cache = tmp_path / "cache"
    assert child(expected, WEFT_CACHE_DIR=str(cache))["from_cache"] is False
    [entry] = entries(cache)
    stored = entry.read_bytes()
    entry.write_bytes(damage(stored))

    again = child(expected, WEFT_CACHE_DIR=str(cache))
    assert again["from_cache"] is False
    assert entries(cache) == [entry]
    assert entry.read_bytes() == stored, "the damaged entry is replaced"

    assert child(expected, WEFT_CACHE_DIR=str(cache))["from_cache"] is True


def test_weft_no_cache_turns_it_off(
    tmp_path: pathlib.Path, expected: list[Any]
) -> None:
    cache = tmp_path / "cache"
    for _ in range(2):
        report = child(expected, WEFT_CACHE_DIR=str(cache), WEFT_NO_CACHE="1")
        assert report["from_cache"] is False
        assert report["again"] is False
        assert report["cache_dir"] is None
    assert not cache.exists()
    # `0` (or empty) leaves it on.
    on = child(expected, WEFT_CACHE_DIR=str(cache), WEFT_NO_CACHE="0")
    assert on["cache_dir"] == str(cache) and on["from_cache"] is False
    on = child(expected, WEFT_CACHE_DIR=str(cache), WEFT_NO_CACHE="")
    assert on["cache_dir"] == str(cache) and on["from_cache"] is True


def test_an_unwritable_cache_still_loads(
    tmp_path: pathlib.Path, expected: list[Any]
) -> None:
    # A regular file where the directory should be: nothing can be stored
    # (or read), and every process compiles.
    blocker = tmp_path / "not-a-directory"
    blocker.write_bytes(b"in the way")
    for _ in range(2):
        report = child(expected, WEFT_CACHE_DIR=str(blocker))
        assert report["from_cache"] is False
        assert report["again"] is False
        assert report["cache_dir"] == str(blocker)
    assert blocker.read_bytes() == b"in the way"
    # Also below it.
    below = blocker / "cache"
    assert child(expected, WEFT_CACHE_DIR=str(below))["from_cache"] is False


def test_the_default_is_the_users_cache_directory(
    tmp_path: pathlib.Path, expected: list[Any]
) -> None:
    xdg = tmp_path / "xdg"
    report = child(expected, XDG_CACHE_HOME=str(xdg))
    assert report["cache_dir"] == str(xdg / "weft")
    assert [p.suffix for p in entries(xdg / "weft")] == [".weftbin"]
    home = tmp_path / "home"
    home.mkdir()
    report = child(expected, HOME=str(home))
    user_cache = "Library/Caches" if sys.platform == "darwin" else ".cache"
    assert report["cache_dir"] == str(home / user_cache / "weft")
    assert child(expected, HOME=str(home))["from_cache"] is True
