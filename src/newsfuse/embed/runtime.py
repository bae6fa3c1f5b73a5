"""How torch should run on a CPU that other work shares, set before torch is first imported.

torch's CPU kernels (and MKL inside them) run on GNU OpenMP threads, which by default wait
for each other at the end of every parallel operation by spinning. When the machine is busy
and one of the two threads is descheduled, its partner spins for its whole time slice: on a
shared 2-core box that doubled MiniLM's CPU time and its wall clock (docs/PERFORMANCE.md).
Passive waiting costs a few microseconds per operation on an idle machine instead. OpenMP
reads the policy once, when torch loads it, and spaCy imports torch too (through thinc), so
every module that imports either calls `prepare_torch()` first. A policy the user set wins.
"""

from __future__ import annotations

import os


def prepare_torch() -> None:
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
