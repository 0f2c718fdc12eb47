"""Jinja2 templates, shipped inside the package as redfed._templates (see setup.py)."""
