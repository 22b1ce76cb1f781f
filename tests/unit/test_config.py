"""Settings read from the environment."""

from app.config import Config


def test_the_connection_pool_is_sqlalchemys_own_unless_set(monkeypatch):
    monkeypatch.delenv("IMSA_DB_POOL_SIZE", raising=False)
    monkeypatch.delenv("IMSA_DB_MAX_OVERFLOW", raising=False)
    assert Config().SQLALCHEMY_ENGINE_OPTIONS == {"pool_pre_ping": True}
    monkeypatch.setenv("IMSA_DB_POOL_SIZE", "4")
    monkeypatch.setenv("IMSA_DB_MAX_OVERFLOW", "0")
    assert Config().SQLALCHEMY_ENGINE_OPTIONS == {"pool_pre_ping": True, "pool_size": 4, "max_overflow": 0}
