from __future__ import annotations

from pathlib import Path

import pytest
from helpers import write_tree

from readiness.config import ConfigError, read_config, validate_config
from readiness.runner import prepare


def settings_for(root: Path, text: str, name: str = "readiness.yaml", env: dict[str, str] | None = None):
    write_tree(root, {name: text})
    raw = read_config(root)
    return validate_config(raw, known_checks=["print-call", "todo-comment"],
                           known_categories=["code-quality", "secrets"], environ=env or {})


def test_no_config_gives_defaults(tmp_path: Path) -> None:
    settings = prepare(tmp_path).settings
    assert settings.source is None
    assert settings.get("target") == 80
    assert settings.get("include") == ["**/*"]


@pytest.mark.parametrize(("text", "message"), [
    ("target: high\n", "readiness.yaml:1: target: expected a number, got a string"),
    ("checks:\n  print-cal: {}\n", "readiness.yaml:2: checks.print-cal: unknown check id 'print-cal' (did you mean 'print-call'?)"),
    ("select: [code-qualty]\n", "readiness.yaml:1: select.0: unknown check or category id 'code-qualty'"),
    ("categories:\n  speed: {target: 50}\n", "readiness.yaml:2: categories.speed: unknown category"),
    ("checks:\n  print-call:\n    enabled: yes please\n", "readiness.yaml:3: checks.print-call.enabled: expected true or false"),
    ("exclude: build\n", "readiness.yaml:1: exclude: expected a list of strings"),
    ("- a\n- b\n", "readiness.yaml:1: the configuration must be a mapping"),
    ("environment:\n  mongodb:\n    uri: ${MONGO_URI}\n",
     "readiness.yaml:3: environment.mongodb.uri: references ${MONGO_URI}, which is not set"),
])
def test_mistakes_name_file_line_and_key(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError) as info:
        settings_for(tmp_path, text)
    assert message in str(info.value)


def test_env_expansion_never_echoes_values(tmp_path: Path) -> None:
    settings = settings_for(
        tmp_path, "environment:\n  mongodb:\n    uri: mongodb://u:${PW}@db/x\n", env={"PW": "s3cr3t-pw"},
    )
    assert settings.data["environment"]["mongodb"]["uri"] == "mongodb://u:s3cr3t-pw@db/x"
    with pytest.raises(ConfigError) as info:
        settings_for(tmp_path, "environment:\n  mongodb:\n    uri: 42\n    timeout: ${PW}\n", env={"PW": "s3cr3t-pw"})
    assert "s3cr3t-pw" not in str(info.value)


def test_new_category_with_name_and_target(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, "categories:\n  compliance: {name: Compliance, target: 90}\nselect: [compliance]\n")
    assert settings.category_entry("compliance")["target"] == 90


def test_alias_bomb_is_refused(tmp_path: Path) -> None:
    bomb = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 8):
        bomb.append(f"{chr(97 + i)}: &{chr(97 + i)} [" + ", ".join([f"*{chr(96 + i)}"] * 10) + "]")
    bomb.append("exclude: *h")
    with pytest.raises(ConfigError) as info:
        settings_for(tmp_path, "\n".join(bomb) + "\n")
    assert "too many values" in str(info.value)


def test_pyproject_section(tmp_path: Path) -> None:
    write_tree(tmp_path, {"pyproject.toml": "[project]\nname='x'\n\n[tool.readiness]\ntarget = 75\nfail_undr = 3\n"})
    with pytest.raises(ConfigError) as info:
        validate_config(read_config(tmp_path), known_checks=[], known_categories=[])
    assert "pyproject.toml:6: fail_undr: unknown key" in str(info.value)
    write_tree(tmp_path, {"pyproject.toml": "[project]\nname='x'\n\n[tool.readiness]\ntarget = 75\n"})
    settings = validate_config(read_config(tmp_path), known_checks=[], known_categories=[])
    assert settings.get("target") == 75


def test_pyproject_that_is_not_toml(tmp_path: Path) -> None:
    write_tree(tmp_path, {"pyproject.toml": "[tool.readiness\ntarget = = 1\n"})
    with pytest.raises(ConfigError) as info:
        validate_config(read_config(tmp_path, tmp_path / "pyproject.toml"), known_checks=[], known_categories=[])
    assert "invalid TOML" in str(info.value)


def test_unknown_check_option(tmp_path: Path) -> None:
    write_tree(tmp_path, {"readiness.yaml": "checks:\n  print-call:\n    options:\n      cli_modulez: []\n"})
    with pytest.raises(ConfigError) as info:
        from readiness.checks.code_quality import PrintCall
        from readiness.engine import check_options

        check_options(PrintCall, prepare(tmp_path).settings)
    assert "readiness.yaml:4: checks.print-call.options.cli_modulez: unknown option" in str(info.value)
