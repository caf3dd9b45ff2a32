"""The package list, which pyproject.toml cannot give: the top-level resources/ is installed as gridworker.resources.

Everything else is in pyproject.toml; the folder mapping (package-dir) is there too.
"""

from setuptools import find_packages, setup

setup(packages=find_packages(include=["gridworker*"]) + ["gridworker.resources", "gridworker.resources.i18n"])
