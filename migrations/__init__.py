"""SQL migrations, shipped inside the package as redfed._migrations (see setup.py)."""
