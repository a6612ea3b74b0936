"""The project model: files, modules, imports, classes, functions and call sites.

This layer reads and indexes code; it evaluates nothing (that is ``transfer``'s job).
"""

from hybridize.project.build import Project, build_project
from hybridize.project.discovery import discover
from hybridize.project.parse import load_file

__all__ = ["Project", "build_project", "discover", "load_file"]
