"""What every test run of the repository shares.

Generated-input tests (Hypothesis, and schemathesis on top of it) must not
depend on how fast this machine happens to be: no per-example deadline and no
"too slow" health check, on a laptop as in CI (where Hypothesis' own ``ci``
profile, loaded when ``CI`` is set, already says the same and also
derandomises).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "runnerly", deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True
)
if not os.environ.get("CI"):
    settings.load_profile("runnerly")
