"""Shared fixtures of the monitoring tests: an empty cache (dashboards cache their figures) and
the scenario with its supervisors. (test_indicators.py uses the scenario without them.)"""

import pytest

from ..api.conftest import _empty_cache  # noqa: F401  (autouse: no cached figures between tests)
from . import scenario
from .helpers import supervisors


@pytest.fixture
def story(world):
    s = scenario.build(world)
    s.people = supervisors(world)
    return s
