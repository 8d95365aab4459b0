"""Configuration comes from the environment when the factory runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from config import Config, ConfigError, ProductionConfig


def test_defaults_and_environment(tmp_path: Path) -> None:
    env = {
        "KITCHEN_INSTANCE": str(tmp_path),
        "KITCHEN_UPLOADS": "/data/up",
        "KITCHEN_SEARCH_INDEX": "/data/idx",
        "KITCHEN_MAX_IMAGE_BYTES": "1000",
    }
    config = Config().load(env)
    assert f"sqlite:///{tmp_path / 'kitchen.sqlite'}" == config.SQLALCHEMY_DATABASE_URI
    assert (config.UPLOADS_DIR, config.SEARCH_INDEX_DIR) == ("/data/up", "/data/idx")
    assert config.MAX_IMAGE_BYTES == 1000
    assert config.BABEL_DEFAULT_LOCALE == "zh_CN"


def test_development_keeps_a_generated_secret(tmp_path: Path) -> None:
    first = Config().load({"KITCHEN_INSTANCE": str(tmp_path)}).SECRET_KEY
    second = Config().load({"KITCHEN_INSTANCE": str(tmp_path)}).SECRET_KEY
    assert len(first) >= 32 and first == second
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_production_refuses_to_start_without_a_secret(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        ProductionConfig().load({"KITCHEN_INSTANCE": str(tmp_path)})
    config = ProductionConfig().load(
        {
            "KITCHEN_INSTANCE": str(tmp_path),
            "KITCHEN_SECRET_KEY": "s" * 40,
            "KITCHEN_DATABASE_URL": "postgresql+psycopg://k@db/k",
        }
    )
    assert config.SESSION_COOKIE_SECURE is True
    assert config.SQLALCHEMY_DATABASE_URI.startswith("postgresql")
