"""Settings read from the environment."""

from app.config import Config


def test_the_connection_pool_is_sqlalchemys_own_unless_set(monkeypatch):
    monkeypatch.delenv("IMSA_DB_POOL_SIZE", raising=False)
    monkeypatch.delenv("IMSA_DB_MAX_OVERFLOW", raising=False)
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://imsa@127.0.0.1/imsa")
    assert Config().SQLALCHEMY_ENGINE_OPTIONS == {"pool_pre_ping": True}
    monkeypatch.setenv("IMSA_DB_POOL_SIZE", "4")
    monkeypatch.setenv("IMSA_DB_MAX_OVERFLOW", "0")
    assert Config().SQLALCHEMY_ENGINE_OPTIONS == {"pool_pre_ping": True, "pool_size": 4, "max_overflow": 0}


def test_a_server_connection_is_tested_before_use_and_a_sqlite_file_is_not(monkeypatch):
    """A PostgreSQL connection can drop between requests; pinging a SQLite file is a wasted query."""
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://imsa@127.0.0.1/imsa")
    assert Config().SQLALCHEMY_ENGINE_OPTIONS["pool_pre_ping"] is True
    for sqlite in ("sqlite:////tmp/imsa.sqlite3", ""):  # empty: the embedded default
        monkeypatch.setenv("DATABASE_URL", sqlite)
        assert Config().SQLALCHEMY_ENGINE_OPTIONS["pool_pre_ping"] is False
