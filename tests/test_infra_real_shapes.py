"""Infrastructure, CI and coverage in the shapes real services write them.

Each behaviour has a good example (the practice is there, written the way teams write it) and
a bad one (a look-alike, or the practice disabled), scanned by the real engine on a temporary tree.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from helpers import check_result, scan_tree, write_tree

from readiness.helm_render import Unrenderable, render

APP = {"app/__init__.py": "", "app/db.py": "import psycopg2\n\nconn = psycopg2.connect\n",
       "tests/test_db.py": "from app.db import conn\n\n\ndef test_conn():\n    assert conn\n"}


def run(root: Path, check: str, files: dict[str, str]) -> Any:
    write_tree(root, {**APP, **files})
    return check_result(scan_tree(root, select=[check]), check)


def workflow(*steps: str, extra: str = "") -> str:
    body = "".join(f"      - run: {s}\n" for s in steps)
    return f"on: [push, pull_request]\njobs:\n  test:\n    runs-on: ubuntu-latest\n{extra}    steps:\n{body}"


# -- test-coverage and coverage-enforced --------------------------------------------------------

def test_no_coverage_data_is_unknown_with_how_to_produce_it(tmp_path: Path) -> None:
    result = run(tmp_path, "test-coverage", {".github/workflows/ci.yml": workflow("pytest --cov=app")})
    assert result.status == "unknown" and result.score is None
    assert "no coverage data" in result.summary and "pytest --cov" in result.summary and "--coverage" in result.summary
    assert "CI measures coverage" in result.summary  # and says CI measures it but gates nothing


def test_uv_run_coverage_gate_is_enforcement_but_not_a_coverage_figure(tmp_path: Path) -> None:
    files = {".github/workflows/test-backend.yml": workflow(
        "uv run coverage run -m pytest tests/", "uv run coverage report --fail-under=90")}
    coverage = run(tmp_path, "test-coverage", files)
    assert coverage.status == "unknown" and coverage.score is None and "below 90%" in coverage.summary
    assert any("CI coverage gate" in e.message for e in coverage.evidence)
    enforced = check_result(scan_tree(tmp_path, select=["coverage-enforced"]), "coverage-enforced")
    assert enforced.status == "pass" and "90%" in enforced.summary


@pytest.mark.parametrize("runner", ["poetry run", "hatch run", "pdm run", "uv run --frozen"])
def test_runner_prefixes_keep_the_command_options(tmp_path: Path, runner: str) -> None:
    result = run(tmp_path, "coverage-enforced", {
        ".github/workflows/ci.yml": workflow(f"{runner} pytest --cov=app --cov-fail-under=85")})
    assert result.status == "pass" and "85%" in result.summary


def test_shell_comparison_of_the_coverage_total_is_a_gate(tmp_path: Path) -> None:
    ci = (
        "on: [push]\nenv:\n  COVERAGE_TOTAL: 50\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: pytest --cov=app --cov-report=json\n"
        "      - name: Coverage total\n        run: |\n"
        "          export TOTAL=$(python -c \"import json;print(json.load(open('coverage.json'))['totals']['percent_covered_display'])\")\n"
        "          if [[ $TOTAL_COV < ${{ env.COVERAGE_TOTAL }} ]]; then\n"
        "            echo \"coverage below target\"\n            exit 1\n          fi\n"
    )
    enforced = run(tmp_path, "coverage-enforced", {".github/workflows/python.yml": ci})
    assert enforced.status == "pass" and "50%" in enforced.summary
    coverage = check_result(scan_tree(tmp_path, select=["test-coverage"]), "test-coverage")
    assert coverage.status == "unknown" and "below 50%" in coverage.summary


def test_shell_echo_of_coverage_without_exit_is_no_gate(tmp_path: Path) -> None:
    ci = workflow("pytest --cov=app", "if [ \"$COV\" -lt 80 ]; then echo \"coverage is low\"; fi")
    assert run(tmp_path, "coverage-enforced", {".github/workflows/ci.yml": ci}).status == "fail"


def test_pytest_addopts_gate_counts_when_ci_runs_the_test_script(tmp_path: Path) -> None:
    files = {
        "pyproject.toml": "[tool.pytest.ini_options]\naddopts = \"--cov=app --cov-fail-under=100\"\n",
        "scripts/test": "#!/usr/bin/env bash\nset -e\npytest --cov=app ${@}\n",
        ".github/workflows/tests.yml": workflow("poetry run ./scripts/test"),
    }
    coverage = run(tmp_path, "test-coverage", files)
    assert coverage.status == "unknown" and "below 100%" in coverage.summary


def test_config_gate_without_any_ci_test_run_is_not_coverage_evidence(tmp_path: Path) -> None:
    files = {"pyproject.toml": "[tool.coverage.report]\nfail_under = 80\n"}
    coverage = run(tmp_path, "test-coverage", files)
    assert coverage.status == "unknown" and "CI fails" not in coverage.summary
    assert check_result(scan_tree(tmp_path, select=["coverage-enforced"]), "coverage-enforced").status == "pass"


def test_codecov_target_is_a_gate_and_auto_is_not(tmp_path: Path) -> None:
    ci = workflow("pytest --cov=app --cov-report=xml")
    ci += "      - uses: codecov/codecov-action@v4\n"
    good = run(tmp_path / "good", "coverage-enforced", {
        ".github/workflows/ci.yml": ci,
        "codecov.yml": "coverage:\n  status:\n    project:\n      default:\n        target: 80%\n",
    })
    assert good.status == "pass" and "Codecov" in good.summary
    bad = run(tmp_path / "bad", "coverage-enforced", {
        ".github/workflows/ci.yml": ci,
        "codecov.yml": "coverage:\n  status:\n    project:\n      default:\n        target: auto\n",
    })
    assert bad.status == "fail"


def test_codecov_patch_target_less_its_threshold_is_a_gate(tmp_path: Path) -> None:
    ci = workflow("pytest --cov=app --cov-report=xml") + "      - uses: codecov/codecov-action@v5\n"
    status = ("coverage:\n  status:\n    project:\n      backend:\n        threshold: 1%\n"
              "    patch:\n      backend:\n        paths: [src/**]\n        target: {target}\n        threshold: 25%\n")
    good = run(tmp_path / "good", "coverage-enforced", {
        ".github/workflows/ci.yml": ci, ".codecov.yml": status.format(target="100%")})
    assert good.status == "pass" and "75%" in good.summary and "patch" in good.summary
    bad = run(tmp_path / "bad", "coverage-enforced", {
        ".github/workflows/ci.yml": ci, ".codecov.yml": status.format(target="auto")})
    assert bad.status == "fail" and bad.score == 0.5  # measured and uploaded, no figure to fail below


@pytest.mark.parametrize("steps, extra", [
    (["docker compose -p app run --name tests app tests --junitxml=junit.xml --cov-report=xml --cov=app tests/"], ""),
    (["pip install -e .", "pytest"], "      - uses: codecov/codecov-action@v5\n"),
    (["coverage run -m pytest", "coverage xml"], ""),
    (["pytest", "coveralls"], ""),
])
def test_coverage_measured_without_a_gate_is_half_the_practice(tmp_path: Path, steps: list[str], extra: str) -> None:
    result = run(tmp_path, "coverage-enforced", {".github/workflows/ci.yml": workflow(*steps) + extra})
    assert result.status == "fail" and result.score == 0.5
    assert "no fail-under threshold" in result.summary and result.evidence


@pytest.mark.parametrize("steps, extra", [
    (["pytest -x tests/"], ""),
    (["pip install pytest-cov", "pytest"], ""),  # the plugin installed is not coverage measured
    (["pytest"], "      - uses: actions/upload-artifact@v4\n"),
])
def test_tests_without_coverage_score_nothing(tmp_path: Path, steps: list[str], extra: str) -> None:
    result = run(tmp_path, "coverage-enforced", {".github/workflows/ci.yml": workflow(*steps) + extra})
    assert result.status == "fail" and result.score == 0.0


# -- lint-enforced-in-ci --------------------------------------------------------------------------

def test_make_prerequisite_runs_flake8(tmp_path: Path) -> None:
    makefile = "test: develop lint test-python\n\ndevelop:\n\tpip install -e .\n\nlint: lint-python\n\n" \
               "lint-python:\n\t@echo linting\n\tflake8 app tests\n\ntest-python:\n\tpytest\n"
    good = run(tmp_path / "good", "lint-enforced-in-ci", {
        "Makefile": makefile, ".github/workflows/ci.yml": workflow("make test")})
    assert good.status == "pass" and "flake8" in good.summary
    bad = run(tmp_path / "bad", "lint-enforced-in-ci", {
        "Makefile": makefile, ".github/workflows/ci.yml": workflow("make test-python")})
    assert bad.status == "fail"


def test_extensionless_lint_script_run_through_poetry(tmp_path: Path) -> None:
    good = run(tmp_path / "good", "lint-enforced-in-ci", {
        "scripts/lint": "#!/usr/bin/env bash\n\nset -e\nset -x\n\nflake8 app\nmypy app\nblack --check app\n",
        ".github/workflows/styles.yml": workflow("poetry run ./scripts/lint"),
    })
    assert good.status == "pass"
    assert any("mypy type checking" in e.message for e in good.evidence)  # shown, not scored
    typed_only = run(tmp_path / "typed", "lint-enforced-in-ci", {".github/workflows/ci.yml": workflow("mypy app")})
    assert typed_only.status == "fail" and any("mypy" in e.message for e in typed_only.evidence)
    bad = run(tmp_path / "bad", "lint-enforced-in-ci", {  # not a shell script: not followed
        "scripts/lint": "flake8 app\n", ".github/workflows/styles.yml": workflow("poetry run ./scripts/lint"),
    })
    assert bad.status == "fail"


def test_darker_runs_flake8_through_its_lint_option(tmp_path: Path) -> None:
    good = run(tmp_path / "good", "lint-enforced-in-ci", {".github/workflows/darker.yml": workflow(
        'darker --check --diff --isort -L "flake8 --max-line-length=88" app -r origin/main')})
    assert good.status == "pass" and "flake8" in good.summary
    bad = run(tmp_path / "bad", "lint-enforced-in-ci", {".github/workflows/darker.yml": workflow(
        "darker --check --diff --isort app -r origin/main")})
    assert bad.status == "fail"


# -- Helm templates ---------------------------------------------------------------------------------

CHART = {
    "helm/api/Chart.yaml": "apiVersion: v2\nname: api\nversion: 0.1.0\n",
    "helm/api/templates/_helpers.tpl": '{{- define "api.labels" -}}\napp: api\n{{- end }}\n',
    "helm/api/templates/deployment.yaml": (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}-api\n  labels:\n"
        "    {{- include \"api.labels\" . | nindent 4 }}\nspec:\n  replicas: {{ .Values.replicaCount | default 2 }}\n"
        "  template:\n    spec:\n      containers:\n        - name: api\n"
        "          image: \"{{ .Values.image.repository }}:{{ .Values.image.tag | default \"latest\" }}\"\n"
        "          {{- with .Values.probes }}\n          livenessProbe:\n            httpGet:\n"
        "              path: {{ .liveness }}\n              port: 8000\n          {{- end }}\n"
        "          resources:\n            {{- toYaml .Values.resources | nindent 12 }}\n"
        "          env:\n          {{- range $name, $value := .Values.env }}\n"
        "            - name: {{ $name }}\n              value: {{ $value | quote }}\n          {{- end }}\n"
    ),
    "helm/api/templates/backup-cronjob.yaml": (
        "{{- if .Values.backup.enabled -}}\napiVersion: batch/v1\nkind: CronJob\nmetadata:\n"
        "  name: {{ .Release.Name }}-db-backup\nspec:\n  schedule: {{ .Values.backup.schedule | quote }}\n"
        "  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers:\n"
        "            - name: backup\n              image: postgres:16\n"
        "              command: [\"/bin/sh\", \"-c\", \"/scripts/backup.sh\"]\n"
        "              volumeMounts:\n                - {name: scripts, mountPath: /scripts}\n"
        "          volumes:\n            - name: scripts\n              configMap: {name: backup-scripts}\n"
        "{{- end }}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: backup-scripts\ndata:\n"
        "  backup.sh: |\n    #!/bin/sh\n    set -e\n    pg_dump \"$DATABASE_URL\" | gzip > /backups/db-$(date +%F).sql.gz\n"
    ),
}


def values(backup_enabled: bool) -> str:
    return (
        "replicaCount: 3\nimage:\n  repository: registry.example.com/api\nprobes:\n  liveness: /healthz\n"
        "resources:\n  requests: {cpu: 100m, memory: 256Mi}\n  limits: {memory: 512Mi}\n"
        "env:\n  LOG_LEVEL: info\n"
        f"backup:\n  enabled: {'true' if backup_enabled else 'false'}\n  schedule: '0 2 * * *'\n"
    )


def test_helm_cronjob_running_a_configmap_script_is_a_backup_job(tmp_path: Path) -> None:
    result = run(tmp_path, "backup-job", {**CHART, "helm/api/values.yaml": values(True)})
    assert result.status == "pass"
    assert any("pg_dump" in e.message and e.path.endswith("backup-cronjob.yaml") for e in result.evidence)


def test_helm_backup_disabled_by_default_is_not_evidence(tmp_path: Path) -> None:
    result = run(tmp_path, "backup-job", {**CHART, "helm/api/values.yaml": values(False)})
    assert result.status == "fail"


def test_helm_rendered_containers_carry_resources_and_probes(tmp_path: Path) -> None:
    from test_repo_files import parse

    repo = parse(tmp_path, {**CHART, "helm/api/values.yaml": values(True)})
    api = next(c for c in repo.containers if c.name == "api")
    assert api.rendered and api.requests == ("cpu", "memory") and api.limits == ("memory",)
    assert api.probes == ("liveness /healthz",) and api.env == ("LOG_LEVEL",)
    assert api.image == "registry.example.com/api:latest"
    assert api.line == 12  # the template's own line, not the rendered output's
    capacity = run(tmp_path, "capacity-limits", {})
    # the API is sized from values.yaml; the backup CronJob's container is not
    assert capacity.status == "fail" and "1 of 2" in capacity.summary and capacity.findings == 1


def test_unrenderable_template_is_skipped_with_a_note_not_guessed(tmp_path: Path) -> None:
    template = (
        "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: {{ lookup \"v1\" \"Secret\" \"ns\" \"x\" }}\n"
        "spec:\n  schedule: '0 1 * * *'\n  jobTemplate:\n    spec:\n      template:\n        spec:\n"
        "          containers:\n            - name: dump\n              image: postgres:16\n"
        "              command: [pg_dump, app]\n"
    )
    result = run(tmp_path, "backup-job", {
        "chart/Chart.yaml": "apiVersion: v2\nname: c\nversion: 1.0.0\n", "chart/values.yaml": "{}\n",
        "chart/templates/backup.yaml": template,
    })
    assert result.status == "fail" and "Helm template" in result.summary and "lookup" in result.summary


def test_renderer_limits() -> None:
    with pytest.raises(Unrenderable):
        render("{{ range .Values.items }}x{{ end }}", {"items": list(range(10_000))})
    with pytest.raises(Unrenderable):
        render("{{ if .Values.a }}open", {})
    assert render("a: {{ .Values.missing | default \"x\" | quote }}", {}) == 'a: "x"'
    assert render("{{- if not .Values.off }}on{{ else }}off{{ end }}", {"off": False}) == "on"


# -- Terraform, ECS and other platforms -----------------------------------------------------------

AZURE_DB = (
    'variable "retention_days" {\n  type    = number\n  default = 7\n}\n\n'
    'resource "azurerm_postgresql_flexible_server" "main" {\n  name     = "db-${var.env}"\n'
    '  sku_name = "B_Standard_B1ms"\n  backup_retention_days        = var.retention_days\n'
    '  geo_redundant_backup_enabled = false\n}\n'
)


def test_terraform_managed_database_backups(tmp_path: Path) -> None:
    good = run(tmp_path / "good", "backup-job", {"terraform/database.tf": AZURE_DB})
    assert good.status == "pass" and "azurerm_postgresql_flexible_server" in good.summary
    rds_off = 'resource "aws_db_instance" "db" {\n  engine = "postgres"\n  backup_retention_period = 0\n}\n'
    assert run(tmp_path / "bad", "backup-job", {"infra/rds.tf": rds_off}).status == "fail"
    plan = ('resource "aws_backup_plan" "daily" {\n  name = "daily"\n  rule {\n    rule_name = "daily"\n'
            '    target_vault_name = aws_backup_vault.main.name\n    schedule = "cron(0 5 * * ? *)"\n  }\n}\n')
    assert run(tmp_path / "plan", "backup-job", {"infra/backup.tf": plan}).status == "pass"


def test_terraform_secrets_manager_and_container_sizes(tmp_path: Path) -> None:
    files = {
        "app/settings.py": 'import os\nSECRET_KEY = os.environ["SECRET_KEY"]\n',
        "terraform/key_vault.tf": (
            'resource "azurerm_key_vault_secret" "django_secret_key" {\n  name         = "django-secret-key"\n'
            '  value        = random_password.key.result\n  key_vault_id = azurerm_key_vault.main.id\n}\n'
        ),
        "terraform/app.tf": (
            'resource "azurerm_container_app" "web" {\n  name = "web"\n  template {\n    container {\n'
            '      name   = "web"\n      image  = "web:1"\n      cpu    = 0.5\n      memory = "1Gi"\n    }\n  }\n}\n'
        ),
    }
    assert run(tmp_path, "secrets-manager", files).status == "pass"
    capacity = check_result(scan_tree(tmp_path, select=["capacity-limits"]), "capacity-limits")
    assert capacity.status == "pass" and "1 of 1" in capacity.summary


def test_ecs_task_definition_json(tmp_path: Path) -> None:
    task = (
        '{\n  "family": "api",\n  "containerDefinitions": [\n    {\n      "name": "api",\n      "cpu": 0,\n'
        '      "secrets": [\n        {"name": "DATABASE_URL", "valueFrom": '
        '"arn:aws:secretsmanager:eu-west-2:123456789012:secret:db-url"}\n      ]\n    }\n  ],\n'
        '  "cpu": "1024",\n  "memory": "2048"\n}\n'
    )
    files = {"app/settings.py": 'import os\nDATABASE_URL = os.environ["DATABASE_URL"]\n',
             "infrastructure/aws/production/ecs-task-definition-api.json": task}
    assert run(tmp_path, "secrets-manager", files).status == "pass"
    capacity = check_result(scan_tree(tmp_path, select=["capacity-limits"]), "capacity-limits")
    assert capacity.status == "pass"


def test_ecs_task_without_memory_is_a_finding(tmp_path: Path) -> None:
    task = '{"family": "api", "containerDefinitions": [{"name": "api", "image": "api:1"}]}\n'
    result = run(tmp_path, "capacity-limits", {"deploy/task-definition.json": task})
    assert result.status == "fail" and result.score == 0


def test_compose_sizes_count_only_in_a_file_that_sizes(tmp_path: Path) -> None:
    prod = ("services:\n  web:\n    image: web:1\n    deploy:\n      resources:\n"
            "        limits: {cpus: '0.50', memory: 512M}\n")
    assert run(tmp_path / "prod", "capacity-limits", {"docker-compose.prod.yml": prod}).status == "pass"
    dev = "services:\n  web:\n    build: .\n  db:\n    image: postgres:16\n"
    assert run(tmp_path / "dev", "capacity-limits", {"docker-compose.yml": dev}).status == "n/a"


def test_malformed_terraform_is_a_note_not_a_crash(tmp_path: Path) -> None:
    result = run(tmp_path, "backup-job", {"infra/broken.tf": 'resource "aws_db_instance" "db" {\n  engine = \n'})
    assert result.status == "fail" and "malformed HCL" in result.summary


# -- look-alikes ------------------------------------------------------------------------------------

def test_unit_test_named_backup_is_not_backup_verification(tmp_path: Path) -> None:
    files = {
        "tests/services/test_backup_service.py": "def test_dump_command():\n    assert 'pg_dump' in build()\n",
        "apps/logger/tests/test_backup_tools.py": "import zipfile\n\ndef test_zip():\n    assert zipfile\n",
        "api/custom_auth/mfa/command/validate_backup_code.py": "def validate(code):\n    return code in codes\n",
    }
    result = run(tmp_path, "backup-verification", files)
    assert result.status == "fail"


def test_verification_script_that_restores_counts(tmp_path: Path) -> None:
    script = "#!/bin/sh\nset -e\npg_restore --dbname \"$SCRATCH_URL\" latest.dump\npsql \"$SCRATCH_URL\" -c 'select 1'\n"
    assert run(tmp_path, "backup-verification", {"ops/verify_backup.sh": script}).status == "pass"


def test_one_off_dump_in_a_migration_is_not_a_backup_job(tmp_path: Path) -> None:
    files = {
        "bin/database-migration/migration.sh": "#!/bin/sh\npg_dump \"$SOURCE\" > dump.sql\npsql \"$TARGET\" < dump.sql\n",
        "docs/migration.md": "# Moving databases\n\n```\npg_dump $OLD | psql $NEW\n```\n",
    }
    result = run(tmp_path, "backup-job", files)
    assert result.status == "fail" and result.findings == 0
    scheduled = "#!/bin/sh\npg_dump \"$DATABASE_URL\" > /backups/db.sql\n"
    unscheduled = run(tmp_path / "plain", "backup-job", {"scripts/backup.sh": scheduled})
    assert unscheduled.findings == 1  # a real backup script nothing schedules is still reported


def test_restore_command_in_code_and_restore_section_in_docs(tmp_path: Path) -> None:
    cli = (
        "import click\nfrom sh import psql\n\n\n@click.command('restore')\n"
        "def restore_database(dump_file):\n    \"\"\"Restores the database via psql.\"\"\"\n"
        "    psql('-f', dump_file)\n"
    )
    assert run(tmp_path / "cli", "restore-procedure", {"src/app/cli.py": cli}).status == "pass"
    doc = ("# PostgreSQL\n\n## Create a backup\n\n```bash\npython manage.py dumpdata --output db.json\n```\n\n"
           "## Restore from a backup\n\n```bash\npython manage.py ensure_db --reset\n"
           "python manage.py loaddata db.json\n```\n")
    assert run(tmp_path / "doc", "restore-procedure", {"docs/guides/postgresql.md": doc}).status == "pass"
    seed = "# Development\n\n```bash\npython manage.py loaddata fixtures/demo.json\n```\n"
    assert run(tmp_path / "seed", "restore-procedure", {"docs/development.md": seed}).status == "fail"
    soft = "def restore_item(item):\n    item.deleted = False\n    item.save()\n"
    assert run(tmp_path / "soft", "restore-procedure", {"app/items.py": soft}).status == "fail"


# -- SAST and DAST ----------------------------------------------------------------------------------

def test_flake8_with_wemake_runs_the_bandit_rules(tmp_path: Path) -> None:
    files = {
        "pyproject.toml": "[tool.poetry.group.dev.dependencies]\nwemake-python-styleguide = \"^0.16\"\n",
        "setup.cfg": "[flake8]\nformat = wemake\nignore =\n    # docs\n    D, RST\n",
        ".github/workflows/styles.yml": workflow("poetry run flake8 app"),
    }
    good = run(tmp_path / "good", "sast-in-ci", files)
    assert good.status == "pass" and "flake8-bandit" in good.summary
    files["setup.cfg"] = "[flake8]\nignore = D, S\n"
    assert run(tmp_path / "ignored", "sast-in-ci", files).status == "fail"
    files.pop("setup.cfg")
    files[".github/workflows/styles.yml"] = workflow("echo no lint here")
    assert run(tmp_path / "no-run", "sast-in-ci", files).status == "fail"


def test_zap_docker_run_against_staging_is_dast(tmp_path: Path) -> None:
    ci = ("on:\n  schedule: [{cron: '0 3 * * 1'}]\njobs:\n  dast:\n    runs-on: ubuntu-latest\n    steps:\n"
          "      - run: docker run -t ghcr.io/zaproxy/zaproxy:stable zap-baseline.py -t https://staging.example.org\n")
    assert run(tmp_path / "good", "dast-in-ci", {".github/workflows/dast.yml": ci}).status == "pass"
    doc = {"docs/security.md": "We ran OWASP ZAP once against staging.\n",
           ".github/workflows/ci.yml": workflow("pytest")}
    assert run(tmp_path / "bad", "dast-in-ci", doc).status == "fail"


# -- test-suites -------------------------------------------------------------------------------------

def test_database_service_job_and_client_fixture_count_as_suites(tmp_path: Path) -> None:
    services = ("    services:\n      postgres:\n        image: postgres:16\n"
                "        env: {POSTGRES_PASSWORD: postgres}\n")
    files = {
        "tests/conftest.py": "import pytest\nfrom app import create_app\n\n@pytest.fixture\ndef client():\n"
                             "    return create_app().test_client()\n",
        "tests/test_orders.py": "def test_list(client):\n    assert client.get('/orders').status_code == 200\n",
        ".github/workflows/ci.yml": workflow("pip install -e .", "pytest", extra=services),
    }
    result = run(tmp_path / "good", "test-suites", files)
    assert "API" in result.summary.split("missing")[0] and "integration" in result.summary.split("missing")[0]
    files[".github/workflows/ci.yml"] = workflow("pytest", extra="    services:\n      smtp:\n        image: mailhog/mailhog\n")
    files["tests/conftest.py"] = "import pytest\n\n@pytest.fixture\ndef orders():\n    return []\n"
    bad = run(tmp_path / "bad", "test-suites", files)
    assert "integration" in bad.summary.split("missing")[1] and "API" in bad.summary.split("missing")[1]


def test_hostile_templates_and_terraform_stay_bounded(tmp_path: Path) -> None:
    import time

    started = time.monotonic()
    with pytest.raises(Unrenderable):
        render("{{ if .Values.a }}" * 50 + "x", {"a": True})
    assert render("{{" * 50_000, {}) == "{{" * 50_000  # unclosed actions are text, found in one pass
    deep = 'resource "aws_db_instance" "db" {\n  tags = ' + "[" * 3000 + "]" * 3000 + "\n}\n"
    result = run(tmp_path, "backup-job", {
        "infra/deep.tf": deep,
        "chart/Chart.yaml": "apiVersion: v2\nname: c\nversion: 1.0.0\n", "chart/values.yaml": "a: 1\n",
        "chart/templates/x.yaml": "kind: ConfigMap\napiVersion: v1\n" + "{{" * 20_000,
    })
    assert result.status == "fail"
    assert time.monotonic() - started < 60


def test_a_system_crontab_copied_into_the_image_schedules_the_renamed_backup_script(tmp_path: Path) -> None:
    backup = "#!/bin/bash\nset -euo pipefail\npg_dump -Fc \"$PGDATABASE\" > \"/backups/backup_$(date +%F).sql\"\n"
    dockerfile = ("FROM postgres:16\nRUN apt-get update && apt-get -y install cron\n"
                  "COPY ./backup.sh /usr/local/bin/app-backup.sh\nCOPY ./cronfile /etc/cron.d/cronfile\nCMD [\"cron\", \"-f\"]\n")
    cronfile = "SHELL=/bin/bash\n# daily at midnight\n0 0 * * * root /usr/local/bin/app-backup.sh > /proc/1/fd/1 2>&1\n"
    scheduled = run(tmp_path / "a", "backup-job", {"postgres-docker/Dockerfile": dockerfile,
                                                    "postgres-docker/backup.sh": backup,
                                                    "postgres-docker/cronfile": cronfile})
    assert scheduled.status == "pass", scheduled.summary
    assert any(e.path == "postgres-docker/backup.sh" and "pg_dump" in e.message for e in scheduled.evidence)
    # the same image without the crontab: a backup script nothing schedules
    unscheduled = run(tmp_path / "b", "backup-job", {"postgres-docker/Dockerfile": dockerfile.replace(
        "COPY ./cronfile /etc/cron.d/cronfile\n", ""), "postgres-docker/backup.sh": backup})
    assert unscheduled.status == "fail"


@pytest.mark.parametrize(("tf", "status"), [
    ('resource "aws_ssm_parameter" "db_password" {\n  name  = "/app/db-password"\n  type  = "SecureString"\n'
     '  value = random_password.db.result\n}\n', "pass"),
    ('data "aws_ssm_parameter" "api_key" {\n  name = "/app/api-key"\n}\n', "pass"),
    ('resource "aws_ssm_parameter" "log_level" {\n  name  = "/app/log-level"\n  type  = "String"\n  value = "INFO"\n}\n',
     "fail"),
    ('data "aws_ssm_parameter" "ami" {\n  name = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"\n}\n',
     "fail"),
])
def test_ssm_parameters_that_hold_secrets(tmp_path: Path, tf: str, status: str) -> None:
    files = {"app/settings.py": 'import os\nDB_PASSWORD = os.environ["DB_PASSWORD"]\n', "terraform/ssm.tf": tf}
    assert run(tmp_path, "secrets-manager", files).status == status
