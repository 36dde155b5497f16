"""Settings: the environment over flask_api/.env over defaults, and .env made from the example."""

from __future__ import annotations

from flask_api.config import SECRET_PLACEHOLDER, ensure_env_file, load_settings


def write_example(tmp_path):
    example = tmp_path / ".env.example"
    example.write_text(f"SECRET_KEY={SECRET_PLACEHOLDER}\nAPI_PORT=5000\n")
    return example


def test_env_file_is_created_with_a_fresh_secret(tmp_path):
    example = write_example(tmp_path)
    env_a, env_b = tmp_path / "a.env", tmp_path / "b.env"
    assert ensure_env_file(env_a, example) is True
    assert ensure_env_file(env_b, example) is True
    secret_a = load_settings({}, env_a).secret_key
    assert secret_a != SECRET_PLACEHOLDER and len(secret_a) == 64
    assert secret_a != load_settings({}, env_b).secret_key
    assert (env_a.stat().st_mode & 0o077) == 0  # readable by the owner only


def test_existing_env_file_is_left_byte_identical(tmp_path):
    example = write_example(tmp_path)
    env = tmp_path / ".env"
    env.write_bytes(b"SECRET_KEY=mine\n# keep me\n")
    assert ensure_env_file(env, example) is False
    assert env.read_bytes() == b"SECRET_KEY=mine\n# keep me\n"


def test_environment_wins_over_env_file(tmp_path):
    env = tmp_path / ".env"
    env.write_text("API_PORT=5055\nAPI_HOST=127.0.0.1\nSECRET_KEY=fromfile\n")
    settings = load_settings({"API_PORT": "6000"}, env)
    assert settings.port == 6000
    assert settings.secret_key == "fromfile"


def test_default_origins_follow_the_ui_port(tmp_path):
    settings = load_settings({"UI_PORT": "3100"}, tmp_path / "missing.env")
    assert settings.cors_origins == ("http://localhost:3100", "http://127.0.0.1:3100")
    assert settings.host == "127.0.0.1"
    assert settings.cors_credentials is False


def test_gitignore_keeps_env_out_of_the_repo(pytestconfig):
    gitignore = (pytestconfig.rootpath / ".gitignore").read_text()
    assert "flask_api/.env\n" in gitignore


def whoami(trusted_proxies: int, headers: dict) -> dict:
    """What the app believes about the client, behind `trusted_proxies` proxies."""
    from flask import request

    from flask_api.app import create_app

    app = create_app({"TESTING": True, "CORS_ORIGINS": (), "TRUSTED_PROXIES": trusted_proxies})

    @app.get("/api/whoami")
    def who():
        return {"addr": request.remote_addr, "scheme": request.scheme}

    return app.test_client().get("/api/whoami", headers=headers, environ_base={"REMOTE_ADDR": "127.0.0.1"}).get_json()


def test_behind_one_proxy_the_client_address_and_scheme_come_from_it():
    headers = {"X-Forwarded-For": "203.0.113.9, 198.51.100.7", "X-Forwarded-Proto": "https"}
    # Exactly one hop is trusted: the address nginx saw, not one the client made up in front of it.
    assert whoami(1, headers) == {"addr": "198.51.100.7", "scheme": "https"}


def test_without_a_trusted_proxy_forwarded_headers_are_ignored():
    headers = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}
    assert whoami(0, headers) == {"addr": "127.0.0.1", "scheme": "http"}


def test_unwritable_log_folder_keeps_the_api_running(tmp_path, caplog):
    from flask_api.app import create_app

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    app = create_app({"TESTING": False, "CORS_ORIGINS": (), "LOG_DIR": str(blocker / "logs")})
    assert "file logging disabled" in caplog.text
    assert app.test_client().get("/api/health").status_code == 200
