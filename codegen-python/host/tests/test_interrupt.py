"""Ctrl-C during a call: a `SIGINT` interrupts wasm running on the main
thread (epoch interruption) with `KeyboardInterrupt`, and the interpreter
stays usable; without one, nothing is interrupted."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

import pytest

import kitchen_sink as ks
from conftest import Host, HostThings

U64 = 2**64


def spin_total(n: int) -> int:
    """What `faults.spin(n)` returns: 0 + 1 + ... + (n - 1), wrapping."""
    return n * (n - 1) // 2 % U64


def test_short_spins_return_the_sum(sink: ks.KitchenSink) -> None:
    for n in (0, 1, 2, 10, 1000, 1_000_000):
        assert sink.faults.spin(n) == spin_total(n)


def test_nothing_is_interrupted_without_a_sigint(sink: ks.KitchenSink) -> None:
    for i in range(5000):
        assert sink.faults.spin(i % 100) == spin_total(i % 100)
        assert sink.scalars.add_u8(i % 200, 1) == i % 200 + 1
    assert sink.faults.spin(10_000_000) == spin_total(10_000_000)
    # Calls from another thread, too.
    results: list[int] = []

    def worker() -> None:
        for _ in range(1000):
            results.append(sink.faults.spin(100))

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    assert results == [spin_total(100)] * 1000


# The child: a long spin on the main thread, twice (the parent sends
# SIGINT after each "spinning"); after each interruption, the instance is
# poisoned and a new one works.
CHILD = """
import time
import weft
import kitchen_sink as ks
from conftest import Host, HostThings

sink = ks.KitchenSink(host=Host(), host_things=HostThings())
for round in (1, 2):
    print("spinning", flush=True)
    start = time.monotonic()
    try:
        sink.faults.spin(10**12)
    except KeyboardInterrupt:
        print(f"interrupted {round} after {time.monotonic() - start:.2f} s", flush=True)
    else:
        print("not interrupted", flush=True)
        raise SystemExit(1)
    try:
        sink.faults.spin(10)
    except weft.Trap as e:
        print("poisoned:", "trapped earlier" in str(e), flush=True)
    sink = ks.KitchenSink(host=Host(), host_things=HostThings())
    print("new instance:", sink.faults.spin(1000), flush=True)
print("done", flush=True)
"""


@pytest.mark.parametrize("release", [True, False], ids=["gil-released", "gil-kept"])
def test_ctrl_c_interrupts_a_long_call(release: bool) -> None:
    here = os.path.dirname(os.path.abspath(__file__))
    started = time.monotonic()
    child_code = CHILD.replace(
        "import weft\n", f"import weft\nweft.set_release_gil({release})\n", 1
    )
    child = subprocess.Popen(
        [sys.executable, "-c", child_code],
        cwd=here,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    lines: list[str] = []
    try:
        for _ in range(2):
            # Up to "spinning": the long call starts right after it.
            while True:
                line = child.stdout.readline()
                assert line, f"the child ended early: {lines}, {child.stderr}"
                lines.append(line.rstrip("\n"))
                if line.startswith("spinning"):
                    break
            time.sleep(0.5)
            child.send_signal(signal.SIGINT)
        out, err = child.communicate(timeout=10)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    lines += out.splitlines()
    elapsed = time.monotonic() - started
    assert child.returncode == 0, (lines, err)
    assert [line for line in lines if not line.startswith("interrupted")] == [
        "spinning",
        "poisoned: True",
        f"new instance: {spin_total(1000)}",
        "spinning",
        "poisoned: True",
        f"new instance: {spin_total(1000)}",
        "done",
    ], (lines, err)
    interrupted = [line for line in lines if line.startswith("interrupted")]
    assert [line.split()[1] for line in interrupted] == ["1", "2"], lines
    for line in interrupted:
        # Interrupted about 0.5 s in, not when the spin would have ended.
        assert float(line.split()[3]) < 3.0, lines
    assert elapsed < 15.0, lines
