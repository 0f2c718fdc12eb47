"""Packaging detail pyproject.toml cannot express: migrations/ and templates/ sit at the top of the
repository, where operators look for them, and ship inside the package as redfed._migrations and
redfed._templates so that a plain `pip install .` finds them. Every folder of data files is listed
as a package of its own, which is how setuptools wants data shipped (else it warns per folder)."""
from setuptools import find_namespace_packages, find_packages, setup

# package name -> the folder it is read from
DATA = {
    "redfed._migrations": "migrations",
    "redfed._templates": "templates",
    "redfed.static": "redfed/static",
    "redfed.locales": "redfed/locales",
}


def _data_packages(package: str, folder: str) -> list[str]:
    inside = find_namespace_packages(where=folder, exclude=["*__pycache__*"])
    return [package, *(f"{package}.{name}" for name in inside)]


data_packages = [name for package, folder in DATA.items() for name in _data_packages(package, folder)]

setup(
    packages=sorted(set(find_packages(include=["redfed", "redfed.*"])) | set(data_packages)),
    package_dir={"redfed._migrations": "migrations", "redfed._templates": "templates"},
    package_data={name: ["*.sql", "*.html", "*.po", "*.cfg", "*.pot", "*.css", "*.js", "*.png", "*.svg"] for name in data_packages},
)
