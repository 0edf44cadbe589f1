"""A prepared change set and what to tell the user about it."""

from __future__ import annotations

from dataclasses import dataclass

from mlops_kit.edits import FileChange
from mlops_kit.stages.project import Project


@dataclass(frozen=True)
class Plan:
    """Every file change of one command, prepared in memory, plus notes for the user."""

    project: Project
    changes: list[FileChange]
    notes: list[str]
