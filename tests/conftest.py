"""Fixtures every test folder shares: the Web API stand-in that records what reaches Slack (one a test, or one a
module for a module's long-running server)."""

import pytest
from served import StandIn


@pytest.fixture
def standin():
    server = StandIn()
    yield server
    server.close()


@pytest.fixture(scope="module")
def module_standin():
    server = StandIn()
    yield server
    server.close()
