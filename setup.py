"""Packaging detail pyproject.toml cannot express: migrations/ and templates/ sit at the top of the
repository, where operators look for them, and ship inside the package as redfed._migrations and
redfed._templates so that a plain `pip install .` finds them."""
from setuptools import find_packages, setup

setup(
    packages=find_packages(include=["redfed", "redfed.*"]) + ["redfed._migrations", "redfed._templates"],
    package_dir={"redfed._migrations": "migrations", "redfed._templates": "templates"},
    package_data={
        "redfed": ["static/*", "locales/*/LC_MESSAGES/*.po"],
        "redfed._migrations": ["*.sql", "postgresql/*.sql"],
        "redfed._templates": ["*.html", "**/*.html"],
    },
)
