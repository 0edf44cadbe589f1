"""Path options that name a Windows drive are refused on every platform (they leave the project)."""

from __future__ import annotations

import pytest
from mlops_kit.errors import UsageError
from mlops_kit.stages.names import check_project_path


@pytest.mark.parametrize("path", ["C:/data/x.csv", "c:\\data\\x.csv", "a:b.csv", "Z:"])
def test_a_drive_is_not_a_project_path(path: str) -> None:
    with pytest.raises(UsageError, match="relative to the project root"):
        check_project_path(path, "-o")


def test_a_colon_later_in_the_path_is_fine() -> None:
    assert check_project_path("data/a:b.csv", "-o") == "data/a:b.csv"
