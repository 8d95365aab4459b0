"""Configuration: read from the environment when the factory runs, never at import."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parent

MB = 1024 * 1024
DEFAULT_BASE_URL = "http://127.0.0.1:5000"


class ConfigError(RuntimeError):
    """The configuration cannot be used as it is."""


@dataclass
class Config:
    """Settings shared by every environment; `load()` fills them from the environment."""

    ENV: str = "development"
    SECRET_KEY: str = ""
    SQLALCHEMY_DATABASE_URI: str = ""
    UPLOADS_DIR: str = str(BASE_DIR / "uploads")
    SEARCH_INDEX_DIR: str = str(BASE_DIR / "search_index")
    INSTANCE_DIR: str = str(BASE_DIR / "instance")
    TESTING: bool = False
    WTF_CSRF_ENABLED: bool = True
    WTF_CSRF_TIME_LIMIT: int | None = None
    SESSION_COOKIE_HTTPONLY: bool = True
    SESSION_COOKIE_SAMESITE: str = "Lax"
    SESSION_COOKIE_SECURE: bool = False
    REMEMBER_COOKIE_HTTPONLY: bool = True
    REMEMBER_COOKIE_SAMESITE: str = "Lax"
    BABEL_DEFAULT_LOCALE: str = "zh_CN"
    BABEL_DEFAULT_TIMEZONE: str = "Asia/Shanghai"
    BABEL_TRANSLATION_DIRECTORIES: str = str(BASE_DIR / "translations")
    LANGUAGES: tuple[str, ...] = ("zh_CN", "en")
    BOOTSTRAP_SERVE_LOCAL: bool = True
    PASSWORD_HASH_METHOD: str = "scrypt"
    LOGIN_MAX_FAILURES: int = 5
    LOGIN_WINDOW_SECONDS: int = 900
    LOGIN_MAX_FAILURES_PER_ADDRESS: int = 20
    MAX_IMAGE_BYTES: int = 50 * MB
    MAX_VIDEO_BYTES: int = 2048 * MB
    MAX_DOCUMENT_BYTES: int = 100 * MB
    MAX_CONTENT_LENGTH: int | None = 2048 * MB + MB
    # Every request body but an upload's (forms and JSON); uploads: their kind's file limit.
    MAX_FORM_BYTES: int = 4 * MB
    MAX_FORM_MEMORY_SIZE: int = 4 * MB
    MAX_IMAGE_PIXELS: int = 40_000_000
    TRUSTED_PROXIES: int = 0
    SESSION_LIFETIME_HOURS: int = 7 * 24
    SMTP_HOST: str = ""
    SMTP_PORT: int = 25
    MAIL_FROM: str = "kitchen@localhost"
    # The public address (https://kitchen.example.org). Absolute links (the API's, feeds', and
    # those in e-mail, which the worker sends) use it; unset, pages use the request's host
    # and e-mail uses DEFAULT_BASE_URL.
    BASE_URL: str = ""
    LOG_LEVEL: str = "INFO"
    # Where files live: "local" (UPLOADS_DIR) or "s3" (a bucket; UPLOADS_DIR is then the
    # host's scratch folder for uploads being checked).
    STORAGE: str = "local"
    S3_BUCKET: str = ""
    S3_ENDPOINT: str = ""  # empty: AWS itself; else MinIO, Ceph, OSS or COS's address
    S3_REGION: str = "us-east-1"
    S3_ACCESS_KEY: str = ""
    S3_SECRET_KEY: str = ""
    S3_PREFIX: str = ""
    # Untouched files (video, documents, thumbnails) redirect to a presigned URL valid this
    # many seconds; 0 streams every download through the app.
    S3_PRESIGNED_SECONDS: int = 0
    # The search engine: "whoosh" (files in SEARCH_INDEX_DIR, one host) or "postgresql" (a table
    # in the PostgreSQL database, for several app hosts).
    SEARCH_BACKEND: str = "whoosh"
    # The worker reads the words in documents and, by OCR, in pictures (posters, screenshots);
    # a file taking longer than EXTRACT_SECONDS is stopped and noted. OCR_PICTURES=0 reads
    # documents only (OCR takes about a second of CPU per picture).
    OCR_PICTURES: bool = True
    EXTRACT_SECONDS: int = 60

    def load(self, environ: dict[str, str] | None = None) -> Config:
        """Fill the settings from KITCHEN_* variables and make sure the secret key exists."""
        env = os.environ if environ is None else environ
        instance = Path(env.get("KITCHEN_INSTANCE", self.INSTANCE_DIR))
        self.INSTANCE_DIR = str(instance)
        self.UPLOADS_DIR = env.get("KITCHEN_UPLOADS", self.UPLOADS_DIR)
        self.SEARCH_INDEX_DIR = env.get("KITCHEN_SEARCH_INDEX", self.SEARCH_INDEX_DIR)
        default_db = self.SQLALCHEMY_DATABASE_URI or f"sqlite:///{instance / 'kitchen.sqlite'}"
        self.SQLALCHEMY_DATABASE_URI = env.get("KITCHEN_DATABASE_URL", default_db)
        self.SMTP_HOST = env.get("KITCHEN_SMTP_HOST", self.SMTP_HOST)
        self.SMTP_PORT = int(env.get("KITCHEN_SMTP_PORT", self.SMTP_PORT))
        self.MAIL_FROM = env.get("KITCHEN_MAIL_FROM", self.MAIL_FROM)
        self.BASE_URL = env.get("KITCHEN_BASE_URL", self.BASE_URL).rstrip("/")
        self.LOG_LEVEL = env.get("KITCHEN_LOG_LEVEL", self.LOG_LEVEL)
        self.STORAGE = env.get("KITCHEN_STORAGE", self.STORAGE)
        self.SEARCH_BACKEND = env.get("KITCHEN_SEARCH_BACKEND", self.SEARCH_BACKEND)
        ocr = env.get("KITCHEN_OCR_PICTURES", "").strip().lower()
        if ocr:
            self.OCR_PICTURES = ocr not in ("0", "false", "no", "off")
        for name in ("BUCKET", "ENDPOINT", "REGION", "ACCESS_KEY", "SECRET_KEY", "PREFIX"):
            setattr(self, f"S3_{name}", env.get(f"KITCHEN_S3_{name}", getattr(self, f"S3_{name}")))
        for name in (
            "MAX_IMAGE_BYTES",
            "MAX_VIDEO_BYTES",
            "MAX_DOCUMENT_BYTES",
            "MAX_IMAGE_PIXELS",
            "TRUSTED_PROXIES",
            "SESSION_LIFETIME_HOURS",
            "S3_PRESIGNED_SECONDS",
            "EXTRACT_SECONDS",
        ):
            value = env.get(f"KITCHEN_{name}")
            if value:
                setattr(self, name, int(value))
        self.MAX_CONTENT_LENGTH = (
            max(self.MAX_IMAGE_BYTES, self.MAX_VIDEO_BYTES, self.MAX_DOCUMENT_BYTES) + MB
        )
        self.SECRET_KEY = env.get("KITCHEN_SECRET_KEY", "") or self._fallback_secret(instance)
        self.check_storage()
        return self

    def check_storage(self) -> None:
        """Refuse a storage setting that cannot work, before anything is served."""
        if self.STORAGE not in ("local", "s3"):
            raise ConfigError(f"KITCHEN_STORAGE must be local or s3, not {self.STORAGE!r}")
        if self.STORAGE == "s3" and not self.S3_BUCKET:
            raise ConfigError("KITCHEN_STORAGE=s3 needs KITCHEN_S3_BUCKET.")
        if self.SEARCH_BACKEND not in ("whoosh", "postgresql"):
            raise ConfigError(
                f"KITCHEN_SEARCH_BACKEND must be whoosh or postgresql, not {self.SEARCH_BACKEND!r}"
            )
        if self.SEARCH_BACKEND == "postgresql" and not self.SQLALCHEMY_DATABASE_URI.startswith(
            "postgresql"
        ):
            raise ConfigError("KITCHEN_SEARCH_BACKEND=postgresql needs a PostgreSQL database.")

    def _fallback_secret(self, instance: Path) -> str:
        """Development keeps a generated key in instance/ so sessions survive restarts."""
        key_file = instance / "secret_key"
        if key_file.exists():
            return key_file.read_text().strip()
        instance.mkdir(parents=True, exist_ok=True)
        key = secrets.token_hex(32)
        key_file.write_text(key)
        key_file.chmod(0o600)
        return key

    def as_dict(self) -> dict[str, Any]:
        """The settings as Flask expects them."""
        return {k: v for k, v in vars(self).items() if k.isupper()}


@dataclass
class ProductionConfig(Config):
    """Production: a secret key must come from the environment; cookies are Secure."""

    ENV: str = "production"
    SESSION_COOKIE_SECURE: bool = True
    REMEMBER_COOKIE_SECURE: bool = True

    def _fallback_secret(self, instance: Path) -> str:
        raise ConfigError("KITCHEN_SECRET_KEY must be set in production.")


@dataclass
class TestConfig(Config):
    """Tests: everything in temporary folders given by the caller."""

    ENV: str = "testing"
    TESTING: bool = True
    WTF_CSRF_ENABLED: bool = False
    SECRET_KEY: str = "test-secret-key"
    LOG_LEVEL: str = "WARNING"
    PASSWORD_HASH_METHOD: str = "pbkdf2:sha256:1000"
    # Tests upload many pictures; the ones about OCR turn it on.
    OCR_PICTURES: bool = False

    def load(self, environ: dict[str, str] | None = None) -> Config:
        """Tests take settings only from the fields the fixture set."""
        return self


def config_for(name: str | None = None) -> Config:
    """The configuration for KITCHEN_ENV (development by default), loaded from the environment."""
    name = name or os.environ.get("KITCHEN_ENV", "development")
    classes: dict[str, type[Config]] = {"development": Config, "production": ProductionConfig}
    if name not in classes:
        raise ConfigError(f"Unknown KITCHEN_ENV {name!r}")
    return classes[name]().load()
