"""The longest test files named in conftest.py exist: a renamed one would silently run last again."""

from pathlib import Path

from conftest import LONGEST_FIRST


def test_every_file_named_to_run_first_exists() -> None:
    here = Path(__file__).parent
    assert [name for name in LONGEST_FIRST if not (here / name).is_file()] == []
