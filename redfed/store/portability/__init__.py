"""SQL for an account's data in and out (layer 2): export and import jobs, and account moves."""
