"""`mlops-kit adopt`: bring an existing repository onto the standard, all or nothing."""
