"""default-secret codemod: secrets are read without a fallback; other settings are untouched."""

from __future__ import annotations

from pathlib import Path

from fix_helpers import fix_one


def test_getenv_and_environ_get_become_environ_items(tmp_path: Path) -> None:
    src = (
        "import os\n\n"
        'JWT_SECRET = os.getenv("JWT_SECRET", "dev-secret")\n'
        'API_KEY = os.environ.get(\n    "API_KEY",  # the upstream key\n    "abc123",\n)\n'
        'TOKEN = os.environ.get("APP_TOKEN") or "not-so-secret"\n'
        'LEVEL = os.getenv("LOG_LEVEL", "INFO")\n'
    )
    done = fix_one(tmp_path, src, "default-secret")
    assert len(done.before) == 3 and done.after == []
    assert 'JWT_SECRET = os.environ["JWT_SECRET"]\n' in done.text
    assert 'API_KEY = os.environ["API_KEY"]\n' in done.text
    assert 'TOKEN = os.environ["APP_TOKEN"]\n' in done.text
    assert 'LEVEL = os.getenv("LOG_LEVEL", "INFO")\n' in done.text, "not a secret: untouched"
    assert "dev-secret" not in done.text and "abc123" not in done.text


def test_from_os_import_getenv_gets_an_os_import(tmp_path: Path) -> None:
    src = '"""Settings."""\n\nfrom os import getenv\n\nDB_PASSWORD = getenv("DB_PASSWORD", "postgres")\n'
    done = fix_one(tmp_path, src, "default-secret")
    assert done.after == []
    assert done.text.startswith('"""Settings."""\n\nimport os\n')
    assert "from os import getenv" not in done.text, "the import the fix made unused is removed"
    assert 'DB_PASSWORD = os.environ["DB_PASSWORD"]\n' in done.text
    compile(done.text, "settings.py", "exec")


def test_an_import_still_in_use_is_kept(tmp_path: Path) -> None:
    src = 'from os import getenv, sep\n\nDB_PASSWORD = getenv("DB_PASSWORD", "postgres")\nLEVEL = getenv("LOG_LEVEL", "INFO")\n'
    done = fix_one(tmp_path, src, "default-secret")
    assert "from os import getenv, sep\n" in done.text, "getenv is still used; sep was unused before and is not ours"
    assert 'DB_PASSWORD = os.environ["DB_PASSWORD"]\n' in done.text


def test_from_os_import_environ_is_used(tmp_path: Path) -> None:
    src = 'from os import environ\n\nSECRET = environ.get("APP_SECRET", "s3cr3t-value")\n'
    done = fix_one(tmp_path, src, "default-secret")
    assert 'SECRET = environ["APP_SECRET"]\n' in done.text and "import os" not in done.text


def test_pydantic_settings_fields_become_required(tmp_path: Path) -> None:
    src = (
        "from pydantic import Field\nfrom pydantic_settings import BaseSettings\n\n\n"
        "class Settings(BaseSettings):\n"
        '    jwt_secret: str = "change-me"  # rotate me\n'
        '    api_token: str = Field("t0k3n", description="upstream token")\n'
        '    jwt_algorithm: str = "HS256"\n'
    )
    done = fix_one(tmp_path, src, "default-secret")
    assert done.after == []
    assert "    jwt_secret: str  # rotate me\n" in done.text
    assert '    api_token: str = Field(description="upstream token")\n' in done.text
    assert '    jwt_algorithm: str = "HS256"\n' in done.text


def test_shapes_without_a_safe_rewrite_are_not_fixable(tmp_path: Path) -> None:
    src = 'import os\n\nos.environ.setdefault("DB_PASSWORD", "postgres")\n'
    done = fix_one(tmp_path, src, "default-secret")
    assert [f.fixable for f in done.before] == [False]
    assert not done.fix.changed


def test_latin1_file_with_a_coding_cookie(tmp_path: Path) -> None:
    src = '# coding: latin-1\nimport os\n\n# clé secrète\nSECRET = os.getenv("APP_SECRET", "dév-secret")\n'
    done = fix_one(tmp_path, src.encode("latin-1"), "default-secret")
    assert done.after == []
    assert done.data.decode("latin-1") == '# coding: latin-1\nimport os\n\n# clé secrète\nSECRET = os.environ["APP_SECRET"]\n'


def test_fixing_twice_changes_nothing(tmp_path: Path) -> None:
    first = fix_one(tmp_path, 'import os\n\nK = os.getenv("SECRET_KEY", "dev")\n', "default-secret")
    assert first.fix.changed
    second = fix_one(tmp_path, first.text, "default-secret")
    assert not second.fix.changed and second.before == []
