"""``python -m runnerly_launcher``: the ``runnerly`` command (``up`` runs its migrations so)."""

import sys

from runnerly_launcher.cli import main

sys.exit(main())
