"""The home screen: the runner, their last runs, totals, weekly distance and best efforts."""
