"""Test tooling of the runs service: never imported by the service itself.

- :mod:`.local`: the real runs service on a free port (:func:`running_runs`), for
  this service's tests, the strava service's and the end-to-end tests.
- :mod:`.samples`: synthetic runs and the GPX, TCX and FIT files a watch would
  write (FIT needs the ``testing`` extra: ``runnerly-runs[testing]``).
"""

from runnerly_runs.testing.local import LocalRuns, running_runs

__all__ = ["LocalRuns", "running_runs"]
