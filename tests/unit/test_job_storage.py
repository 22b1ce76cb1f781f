"""``IMSA_JOBS_URL`` names where the queue is kept; anything else is refused at start-up."""

from __future__ import annotations

import pytest
from huey.storage import RedisStorage, SqliteStorage

from app.jobs import storage_for


def test_no_url_keeps_the_queue_in_a_sqlite_file_in_the_instance_folder(tmp_path):
    storage = storage_for("", str(tmp_path))
    assert isinstance(storage, SqliteStorage) and storage.filename == str(tmp_path / "jobs.sqlite3")


def test_a_sqlite_url_names_the_file(tmp_path):
    storage = storage_for(f"sqlite:///{tmp_path / 'queue.db'}", "/unused")
    assert isinstance(storage, SqliteStorage) and storage.filename == str(tmp_path / "queue.db")


def test_a_redis_url_keeps_the_queue_in_redis():
    assert isinstance(storage_for("redis://127.0.0.1:6379/3", "/unused"), RedisStorage)


@pytest.mark.parametrize("url", ["ftp://example.org/queue", "mysql://db/queue"])
def test_any_other_url_is_refused(url):
    with pytest.raises(ValueError, match="IMSA_JOBS_URL"):
        storage_for(url, "/unused")
