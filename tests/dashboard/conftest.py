"""The browser fixtures of tests/e2e for the dashboard's phone test."""

from tests.e2e.conftest import browser, outside_requests, phone  # noqa: F401 (fixtures)
