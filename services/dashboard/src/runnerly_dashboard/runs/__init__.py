"""The runs screens: the list with paging and date filters, a run's page, edit and delete."""
