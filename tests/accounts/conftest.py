"""The demo of tests/demo, built once for this package: the write walk asks it as every role."""

from tests.demo.conftest import db, demo  # noqa: F401
