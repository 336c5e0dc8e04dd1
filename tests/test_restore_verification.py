"""Restores of any database count as a restore procedure; verification means restoring a backup and checking it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from helpers import check_result, scan_tree, write_tree

PG = {"app/__init__.py": "", "app/db.py": "import psycopg\n"}


def run(root: Path, check: str, files: dict[str, str]) -> Any:
    write_tree(root, {**PG, **files})
    return check_result(scan_tree(root, select=[check]), check)


@pytest.mark.parametrize("line", [
    'psql "$DATABASE_URL" < /backups/orders-latest.sql',
    'gunzip -c "$BACKUP_FILE" | psql -v ON_ERROR_STOP=1 "$DATABASE_URL"',
    'mysql -u root -p"$MYSQL_PASSWORD" orders < backup.sql',
    'zcat dump.sql.gz | mysql orders',
    'pg_restore --clean --if-exists -d "$DATABASE_URL" latest.dump',
    'pbm restore 2024-05-01T02:00:00Z',
    'mongorestore --uri "$MONGO_URI" --archive=latest.gz --gzip --drop',
])
def test_restore_commands_for_any_database(tmp_path: Path, line: str) -> None:
    result = run(tmp_path, "restore-procedure", {"ops/restore.sh": f"#!/bin/sh\nset -e\n{line}\n"})
    assert result.status == "pass", (line, result.summary)
    assert any(e.path == "ops/restore.sh" and e.line == 3 for e in result.evidence)


@pytest.mark.parametrize("line", [
    'psql "$DATABASE_URL" -f schema.sql',
    'psql -c "CREATE EXTENSION IF NOT EXISTS pg_trgm"',
    'mysql -e "CREATE DATABASE orders"',
    'cat seed.sql | psql "$DATABASE_URL"',
])
def test_setting_a_database_up_is_not_a_restore(tmp_path: Path, line: str) -> None:
    result = run(tmp_path, "restore-procedure", {"ops/init-db.sh": f"#!/bin/sh\n{line}\n"})
    assert result.status == "fail", (line, result.summary)


def test_make_target_named_restore_counts_and_a_dev_dump_load_does_not(tmp_path: Path) -> None:
    good = run(tmp_path / "good", "restore-procedure", {
        "Makefile": "restore-db:\n\tdropdb orders && createdb orders\n\tpsql -d orders < \"$(DUMP)\"\n"})
    assert good.status == "pass", good.summary
    loaddb = (
        "loaddb:\n\t-\"${DC}\" exec postgresql dropdb -U app app\n\t\"${DC}\" exec postgresql createdb -U app app\n"
        "\t\"${DOCKER}\" exec -i `\"${DC}\" ps -q postgresql` psql -U app -d app < \"${DB_DUMP_FILE}\"\n"
    )
    bad = run(tmp_path / "bad", "restore-procedure", {"Makefile": loaddb})
    assert bad.status == "fail", bad.summary


def test_project_cli_commands_that_restore_a_dump(tmp_path: Path) -> None:
    click_cli = (
        "import click\nfrom sh import createdb, psql\n\n\n@click.group()\ndef database():\n    pass\n\n\n"
        "@database.command('restore')\n@click.option('--dump-file', default='dump.sql')\n"
        "def restore_database(dump_file):\n    \"\"\"Restores the database from a dump via psql.\"\"\"\n"
        "    createdb('orders')\n    psql('-d', 'orders', '-f', dump_file)\n"
    )
    result = run(tmp_path / "click", "restore-procedure", {"app/cli.py": click_cli})
    assert result.status == "pass" and any(e.path == "app/cli.py" for e in result.evidence), result.summary
    command = (
        "from django.core.management import call_command\nfrom django.core.management.base import BaseCommand\n\n\n"
        "class Command(BaseCommand):\n    help = 'Load a database dump taken by the nightly backup'\n\n"
        "    def add_arguments(self, parser):\n        parser.add_argument('dump')\n\n"
        "    def handle(self, *args, **options):\n        call_command('flush', interactive=False)\n"
        "        call_command('loaddata', options['dump'])\n"
    )
    result = run(tmp_path / "django", "restore-procedure", {"app/management/commands/restore_db.py": command})
    assert result.status == "pass", result.summary
    assert [e.line for e in result.evidence if e.path.endswith("restore_db.py")] == [13]


def test_restoring_business_objects_is_not_a_database_restore(tmp_path: Path) -> None:
    forms = (
        "from django.core.management.base import BaseCommand\n\nfrom app.backup_tools import restore_backup_from_zip\n\n\n"
        "class Command(BaseCommand):\n    help = 'Restore a zip backup of a form and all its submissions'\n\n"
        "    def handle(self, *args, **options):\n        restore_backup_from_zip(args[1], args[0])\n"
    )
    trash = (
        "def restore_project(project):\n    \"\"\"Put a project back from the trash bin.\"\"\"\n"
        "    project.deleted_at = None\n    project.save(update_fields=['deleted_at'])\n"
    )
    result = run(tmp_path, "restore-procedure", {
        "app/management/commands/restore_backup.py": forms, "app/trash.py": trash,
    })
    assert result.status == "fail", result.summary
    verification = check_result(scan_tree(tmp_path, select=["backup-verification"]), "backup-verification")
    assert verification.status == "fail", verification.summary


def test_scheduled_restore_drill_verifies_and_scheduled_unit_tests_do_not(tmp_path: Path) -> None:
    drill = (
        "on:\n  schedule:\n    - cron: '0 5 * * 1'\njobs:\n  restore-drill:\n    runs-on: ubuntu-latest\n"
        "    services:\n      postgres:\n        image: postgres:16\n    steps:\n"
        "      - run: aws s3 cp s3://backups/latest.sql.gz .\n"
        "      - run: gunzip -c latest.sql.gz | psql \"postgresql://postgres@localhost/scratch\"\n"
        "      - run: psql \"postgresql://postgres@localhost/scratch\" -c 'SELECT count(*) FROM orders'\n"
    )
    good = run(tmp_path / "good", "backup-verification", {".github/workflows/restore-drill.yml": drill})
    assert good.status == "pass" and any(e.line == 12 for e in good.evidence), good.summary
    tests = (
        "on:\n  schedule:\n    - cron: '0 5 * * *'\njobs:\n  backup-tests:\n    runs-on: ubuntu-latest\n"
        "    steps:\n      - run: poetry run pytest tests/backups -q\n"
    )
    bad = run(tmp_path / "bad", "backup-verification", {".github/workflows/nightly-backup-tests.yml": tests})
    assert bad.status == "fail", bad.summary
