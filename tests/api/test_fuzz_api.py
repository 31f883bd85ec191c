"""Schemathesis walks every operation of the OpenAPI schema with generated input: never a 500."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from sqlmodel import Session

from redres.api.app import create_app
from redres.catalog.demo import load_demo
from redres.config import Settings
from redres.db import init_db, make_engine
from tests.conftest import DEMO_DIR


def _schema() -> Any:
    """The schema of an app on a demo catalogue of its own, with limits a fuzzer won't hit.

    Built when the module is collected (schemathesis parametrizes from it), in a temporary
    directory outside the repository.
    """
    engine = make_engine(f"sqlite:///{Path(tempfile.mkdtemp(prefix='redres-fuzz-')) / 'fuzz.db'}")
    init_db(engine)
    with Session(engine) as session:
        load_demo(session, DEMO_DIR)
        session.commit()
    limits = {
        "login_attempts_per_minute": 10**6,
        "feedback_per_hour": 10**6,
        "imports_per_hour": 10**6,
    }
    settings_ = Settings(database_url="sqlite://", secret_key="f" * 40, **limits)
    return schemathesis.openapi.from_asgi("/openapi.json", create_app(settings_, engine=engine))


schema = _schema()
pytestmark = pytest.mark.slow  # every operation, many examples each: CI runs it (--runslow)


@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_error(case: schemathesis.Case) -> None:
    case.call_and_validate(checks=[schemathesis.checks.not_a_server_error])
