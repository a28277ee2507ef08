"""What every test file shares: the import path of the helpers beside the tests, the
Hypothesis profiles and the fixtures.

Profiles: ``default`` (no deadline, 100 examples) and ``long`` (20 times the examples),
chosen with ``VOXXML_HYPOTHESIS_PROFILE=long``. They are loaded before any test module
is imported, so every ``@settings`` and ``support.examples`` builds on the chosen one.
"""

import sys
from pathlib import Path

import pytest
from hypothesis import settings

# Test helpers (support, strategies, enablex_mock) live beside the tests.
sys.path.insert(0, str(Path(__file__).resolve().parent))

from support import DEFAULT_EXAMPLES, PROFILE, SHARED_CORPUS, SLOW  # noqa: E402

settings.register_profile("default", deadline=None, max_examples=DEFAULT_EXAMPLES)
settings.register_profile("long", deadline=None, max_examples=20 * DEFAULT_EXAMPLES, suppress_health_check=list(SLOW))
settings.load_profile(PROFILE)


@pytest.fixture(scope="session")
def shared_corpus() -> Path:
    """The shared corpus of other dialects' documents (../shared/corpus), or a skip."""
    if not SHARED_CORPUS.is_dir():
        pytest.skip(f"the shared corpus is not at {SHARED_CORPUS} (it sits beside the checkout)")
    return SHARED_CORPUS


# The test files that take longest (wheel builds, servers, subprocesses), run first. The test command
# (README, .ci/run) spreads whole files over one worker process per core (pytest-xdist, ``--dist
# loadfile --no-loadscope-reorder``), which hands out files in collection order: starting the longest
# first keeps every core busy to the end instead of leaving one running the mypyc build alone.
LONGEST_FIRST = (
    "test_compiled.py",
    "test_wheel.py",
    "test_serve_e2e.py",
    "test_lsp_publish.py",
    "test_serve_robustness.py",
    "test_precommit.py",
    "test_equivalence.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    rank = {name: place for place, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: the rest keep their order
