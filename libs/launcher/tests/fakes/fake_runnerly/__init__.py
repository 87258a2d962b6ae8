"""Tiny services, ``alpha``, ``beta`` and ``courier``, that the launcher's tests start for real.

They are found through the ``runnerly.services`` entry points declared in
``fake_runnerly-1.0.dist-info`` next to this package, so only a process whose
``PYTHONPATH`` holds the ``fakes`` folder sees them.
"""
