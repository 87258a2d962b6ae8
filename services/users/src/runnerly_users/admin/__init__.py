"""Administration of accounts (scope ``admin``): list them, deactivate one."""
