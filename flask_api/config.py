"""Settings for the API, read from the environment over flask_api/.env."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from dotenv import dotenv_values

API_DIR = Path(__file__).resolve().parent
ENV_FILE = API_DIR / ".env"
ENV_EXAMPLE = API_DIR / ".env.example"
SECRET_PLACEHOLDER = "change-me"


def ensure_env_file(env_file: Path = ENV_FILE, example: Path = ENV_EXAMPLE) -> bool:
    """Create .env from the example with a fresh SECRET_KEY; return True when it was created."""
    if env_file.exists():
        return False
    text = example.read_text(encoding="utf-8")
    text = text.replace(f"SECRET_KEY={SECRET_PLACEHOLDER}", f"SECRET_KEY={secrets.token_hex(32)}")
    tmp = env_file.with_name(env_file.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.chmod(tmp, 0o600)
    os.replace(tmp, env_file)
    return True


def _as_bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _split(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


@dataclass(frozen=True)
class Settings:
    secret_key: str
    host: str = "127.0.0.1"
    port: int = 5000
    ui_port: int = 3000
    debug: bool = True
    cors_origins: tuple[str, ...] = ()
    cors_credentials: bool = False
    log_dir: Path = field(default=API_DIR / "logs")
    trusted_proxies: int = 0

    def flask_config(self) -> dict:
        return {
            "SECRET_KEY": self.secret_key,
            "CORS_ORIGINS": self.cors_origins,
            "CORS_SUPPORTS_CREDENTIALS": self.cors_credentials,
            "LOG_DIR": str(self.log_dir),
            "TRUSTED_PROXIES": self.trusted_proxies,
        }


def load_settings(environ: dict[str, str] | None = None, env_file: Path = ENV_FILE) -> Settings:
    """Real environment variables win over flask_api/.env, which wins over the defaults."""
    values = {k: v for k, v in dotenv_values(env_file).items() if v is not None} if env_file.exists() else {}
    values.update(os.environ if environ is None else environ)
    ui_port = int(values.get("UI_PORT", 3000))
    origins = _split(values.get("CORS_ORIGINS", "")) or (
        f"http://localhost:{ui_port}",
        f"http://127.0.0.1:{ui_port}",
    )
    return Settings(
        # Without a key from .env or the environment a random one keeps sessions unforgeable.
        secret_key=values.get("SECRET_KEY") or secrets.token_hex(32),
        host=values.get("API_HOST", "127.0.0.1"),
        port=int(values.get("API_PORT", 5000)),
        ui_port=ui_port,
        debug=_as_bool(values.get("FLASK_DEBUG", "1")),
        cors_origins=origins,
        cors_credentials=_as_bool(values.get("CORS_SUPPORTS_CREDENTIALS", "0")),
        log_dir=Path(values.get("API_LOG_DIR", API_DIR / "logs")),
        trusted_proxies=int(values.get("TRUSTED_PROXIES", 0)),
    )
