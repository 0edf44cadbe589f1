"""`mlops-kit update`: bring a project to the current template with git's three-way merge."""
