"""The gunicorn hooks of the production profile (``manchette.gunicorn_conf``)."""

import gc
import logging

import pytest

from manchette import gunicorn_conf
from manchette.moderation import services


class _Worker:
    log = logging.getLogger("tests.gunicorn")


@pytest.fixture
def unloaded_engine():
    services.reset_engine()
    yield
    services.reset_engine()
    gc.unfreeze()  # post_fork froze this process's heap


@pytest.mark.django_db
@pytest.mark.usefixtures("unloaded_engine")
def test_post_fork_loads_the_moderation_engine_by_default(monkeypatch):
    monkeypatch.delenv("GUNICORN_WARM_ENGINE", raising=False)
    gunicorn_conf.post_fork(None, _Worker())
    assert services._engine_state is not None
    assert gc.get_freeze_count() > 0


@pytest.mark.django_db
@pytest.mark.usefixtures("unloaded_engine")
def test_post_fork_skips_the_engine_in_a_pool_that_takes_no_posts(monkeypatch):
    monkeypatch.setenv("GUNICORN_WARM_ENGINE", "0")
    gunicorn_conf.post_fork(None, _Worker())
    assert services._engine_state is None
    assert gc.get_freeze_count() > 0  # the heap is frozen all the same
