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
