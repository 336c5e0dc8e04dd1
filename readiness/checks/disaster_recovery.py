"""Disaster recovery checks: scheduled backups, a restore procedure, verified backups, a DR runbook.

All four read repository files only (Kubernetes manifests, cron files, systemd timers, CI
schedules, scripts, Terraform, docs); whether the newest backup is fresh and readable is the
live ``backup-freshness`` / ``backup-integrity`` checks' business.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import Any, Mapping

from readiness.checks.agents import Equivalent
from readiness.checks.base import Check, Collected, Example, Verdict
from readiness.file_facts import TextFact
from readiness.lazy_regex import lazy_compile
from readiness.measures import NotApplicable, Presence, Share
from readiness.model import Evidence, Finding
from readiness.needles import FOLDS_TO_ASCII, holds_span, may_match_ignoring_case, spans
from readiness.paths import is_application_path, is_test_path
from readiness.profile import MONGODB, profile_of
from readiness.project import Project
from readiness.repo_files import (
    CI_ORIGINS,
    Command,
    RepoFiles,
    TfBlock,
    describe_problems,
    describe_unrendered,
    is_doc,
    programs,
    repo_files,
)
from readiness.roles import EXAMPLE, FIXTURE, GENERATED, path_role

DATASTORE_MODULES = (
    "pymongo", "motor", "mongoengine", "beanie", "odmantic", "sqlalchemy", "psycopg2", "psycopg", "asyncpg",
    "pymysql", "MySQLdb", "aiomysql", "django", "peewee", "tortoise", "pony", "elasticsearch", "cassandra",
    "clickhouse_connect", "clickhouse_driver", "aiochclient", "pynamodb",
)
_DYNAMODB = lazy_compile(r"""(?:resource|client)\(\s*['"]dynamodb['"]""")
_DB_IMAGE_RE = lazy_compile(r"\b(mongo|postgres|mysql|mariadb|percona|elasticsearch|cassandra|clickhouse)\b",
                           re.IGNORECASE)
BACKUP_RE = lazy_compile(
    r"\b(mongodump|pbm\s+backup|pg_dump(?:all)?|pg_basebackup|mysqldump|mariadb-dump|xtrabackup|velero\s+backup|"
    r"restic\s+backup|borg\s+create|wal-g\s+backup-push|pgbackrest\b.*\bbackup|clickhouse-backup\s+create|"
    r"aws\s+rds\s+create-db(?:-cluster)?-snapshot|aws\s+backup\s+start-backup-job|gcloud\s+sql\s+backups\s+create|"
    r"gcloud\s+sql\s+export|az\s+(?:postgres|mysql)\s+flexible-server\s+backup\s+create|mongodump|"
    r"heroku\s+pg:backups:capture)\b"
)
_CONTINUOUS_BACKUP = lazy_compile(r"\blitestream\s+replicate\b")
RESTORE_RE = lazy_compile(
    r"\b(mongorestore|pbm\s+restore|pg_restore|velero\s+restore|restic\s+restore|borg\s+extract|litestream\s+restore|"
    r"wal-g\s+backup-fetch|pgbackrest\b.*\brestore|xtrabackup\b.*--prepare)\b"
)
# psql / mysql fed a backup (``psql "$DB" < backup.sql``, ``gunzip -c db.sql.gz | psql``): a SQL restore.
# ``psql -f schema.sql`` (setting a database up) is not one, nor loading a development dump into a local
# database (``make loaddb`` with ``psql < "$DB_DUMP_FILE"``): the file must be a backup, unless the script,
# make target or job says it restores (then psql/mysql fed any file is the restore).
_DUMP_FILE = r"(?:backup|bak|\.sql\.(?:gz|bz2|xz|zst))"
SQL_RESTORE_RE = lazy_compile(
    rf"\b(psql|mysql|mariadb)\b[^|\n;&]*(?:<|\s-f\s*|--file[= ])\s*[\"']?[^\s\"'|;&]*{_DUMP_FILE}[^\s|;&]*"
    rf"|\b(?:gunzip|zcat|gzip\s+-d\w*|cat|pv|xz\s+-d\w*|zstd\s+-d\w*)\b[^|\n;&]*{_DUMP_FILE}[^|\n;&]*\|\s*"
    r"(psql|mysql|mariadb)\b",
    re.IGNORECASE,
)
# In a script whose name says it restores, psql/mysql fed any file is the restore (``gunzip -c "$1" | psql``).
_FED_SQL_RE = lazy_compile(r"\b(psql|mysql|mariadb)\b[^|\n;&]*(?:<|\s-f\s)|\|\s*(psql|mysql|mariadb)\b")
VERIFY_RE = lazy_compile(
    r"(verify|validate|check|test)[-_ ]?(the[-_ ])?(backup|restore)s?|(backup|restore)s?[-_ ]?(verify|verification|"
    r"validat\w*|check|test)", re.IGNORECASE,
)
_BACKUP_IMAGE_RE = lazy_compile(r"percona-backup-mongodb|velero|mongodump|backup", re.IGNORECASE)
_TERRAFORM_BACKUP_RE = lazy_compile(
    r"\b(mongodbatlas_cloud_backup_schedule|aws_backup_plan|google_sql_database_instance\b[\s\S]{0,400}backup_configuration|"
    r"backup_retention_period\s*=\s*[1-9])"
)


_ONE_OFF_RE = lazy_compile(r"migrat|upgrade|copy|clone|seed|sync|import|export|anonymi[sz]|sanitiz|local|dev", re.IGNORECASE)


def uses_datastore(project: Project) -> bool:
    """Whether the service keeps data worth backing up; asked by four checks, worked out once per scan."""
    return bool(project.tool("uses-datastore", _uses_datastore))


def _uses_datastore(project: Project) -> bool:
    if any(not _CONNECTOR_DIR_RE.search(rel) for rel in project.files_importing(*DATASTORE_MODULES)):
        return True
    profile = profile_of(project)  # an Eve or Superdesk app keeps its data in MongoDB through the framework
    wheres = [where for name in MONGODB for where in profile.components.get(name, ())]
    imported = [where for where in wheres if "imported in " in where]  # "imported in PATH", "declared in FILE"
    if any(not _CONNECTOR_DIR_RE.search(where) for where in imported) or (wheres and not imported):
        return True
    if any(_DB_IMAGE_RE.search(c.image) for c in repo_files(project).containers):
        return True
    # DynamoDB through boto3: boto3.resource("dynamodb"), a client named for it
    if any(_DYNAMODB.search(text) for rel, text in project.texts(project.files_importing("boto3", "aioboto3"))
           if not is_test_path(rel)):
        return True
    return _keeps_own_files(project)


def _keeps_own_files(project: Project) -> bool:
    """Data kept without a database server: tables in a SQLite file through the standard library, or
    backup archives the service writes of its own data directory (a JSON or pickle store)."""
    for rel in project.files_importing(*_SQLITE_MODULES):
        if is_application_path(rel) and project.text_fact("sqlite-store", rel, _sqlite_store):
            return True
    return any(is_application_path(rel) and not _ADDON_DIR_RE.search(rel)
               and project.text_fact("backup-archive-writer", rel, _backup_archive_writer)
               for rel in project.files_importing(*_ARCHIVE_MODULES))


# Optional add-ons (a bundled backup plugin): the weaker file-store sign is read in the core service only.
_ADDON_DIR_RE = lazy_compile(r"(?:^|/)(?:plugins|contrib|extensions|addons)/")


# Folders of modules through which a service queries other systems' databases for its users (a
# metasearch engine's PostgreSQL engine, a dashboard's query runners): a client imported only there
# is not where the service keeps its own data.
_CONNECTOR_DIR_RE = lazy_compile(r"(?:^|[/ ])(?:engines|query_runners?|connectors)/")
_SQLITE_MODULES = ("sqlite3", "aiosqlite")
_SQLITE_CONNECT_RE = lazy_compile(r"\b(?:sqlite3|aiosqlite)\.connect\(")
_CREATE_TABLE_RE = lazy_compile(r"\bcreate\s+table\b", re.IGNORECASE)
# "a cache in a SQLite DB", ``ExpireCacheSQLite``: a database that can be thrown away and rebuilt


def _sqlite_store(text: str) -> bool:
    """Whether a module opens a SQLite file and creates its tables, not as a cache: the service's own store."""
    if _SQLITE_CONNECT_RE.search(text) is None or _CREATE_TABLE_RE.search(text) is None:
        return False
    if ":memory:" in text and text.count(".connect(") <= text.count(":memory:"):
        return False  # a scratch database in memory keeps nothing
    return not any("cache" in line and "sqlite" in line for line in text.lower().splitlines())


_ARCHIVE_MODULES = ("zipfile", "tarfile", "shutil")
_DEF_RE = lazy_compile(r"^([ \t]*)(?:async\s+)?def\s+\w+\s*\(", re.MULTILINE)
# an archive opened for writing: ZipFile(path, "w"), ZipFile(path, mode="w"), tarfile.open(path, "w:gz")
_ARCHIVE_WRITE_RE = lazy_compile(
    r"""\bZipFile\((?:[^()]|\([^()]*\))*?(?:,\s*|mode\s*=\s*)["'][wax]["']"""
    r"""|\btarfile\.open\((?:[^()]|\([^()]*\))*?["']w(?::\w*)?["']"""
    r"""|\bshutil\.make_archive\("""
)
# the archive is a backup ("backup-{stamp}.tar.gz", ``create_backup``), not a log rotation's backupCount
_BACKUP_WORD_RE = lazy_compile(r"backup(?!s?_?(?:count|codes?|tokens?)\b)", re.IGNORECASE)


def _backup_archive_writer(text: str) -> bool:
    """Whether a function writes an archive it calls a backup: the service backs up data it keeps in files."""
    if "backup" not in text.lower() or _ARCHIVE_WRITE_RE.search(text) is None:
        return False
    return any(_ARCHIVE_WRITE_RE.search(body) and _BACKUP_WORD_RE.search(body) for body in _function_bodies(text))


def _function_bodies(text: str) -> list[str]:
    """The text of each function, from its ``def`` to the next line indented no deeper (a closing
    parenthesis of its parameters aside)."""
    out: list[str] = []
    for match in _DEF_RE.finditer(text):
        indent = len(match.group(1).expandtabs())
        end = len(text)
        for line in _LINE_START_RE.finditer(text, match.end()):
            if len(line.group(1).expandtabs()) <= indent and line.group(2) != ")":
                end = line.start()
                break
        out.append(text[match.start():end])
    return out


_LINE_START_RE = lazy_compile(r"^([ \t]*)(\S)", re.MULTILINE)


def _scheduled(repo: RepoFiles) -> list[Command]:
    """Every scheduled command, with the scripts, make targets and tox envs it runs."""
    out: list[Command] = []
    for command in repo.commands:
        if command.scheduled:
            out.append(command)
            out.extend(repo.expand(command))
    for command in repo.ci_commands():
        if command.scheduled and command not in out:
            out.append(command)
    return out


def _no_datastore() -> Verdict:
    return Verdict(NotApplicable("no database client or database container found: nothing to back up"))


def scheduled_backups(project: Project, repo: RepoFiles) -> list[Evidence]:
    found: list[Evidence] = []
    for command in _scheduled(repo):
        match = BACKUP_RE.search(command.text)
        if match:
            found.append(Evidence(f"scheduled {match.group(1).split()[0]} ({command.origin})", command.path, command.line))
    for container in repo.containers:
        if container.kind == "CronJob" and (_BACKUP_IMAGE_RE.search(container.image) or "backup" in container.workload.lower()):
            if not BACKUP_RE.search(container.script) and not _runs_known_script(repo, container):
                found.append(Evidence(f"backup CronJob {container.workload} ({container.schedule})", container.path, container.line))
    for manifest in repo.manifests:
        if manifest.api_version.startswith("velero.io/") and manifest.kind == "Schedule":
            found.append(Evidence(f"Velero schedule {manifest.name}", manifest.path, manifest.line))
        if manifest.kind == "PerconaServerMongoDB":
            backup = manifest.body.get("spec", {}).get("backup") if isinstance(manifest.body.get("spec"), dict) else None
            tasks = backup.get("tasks") if isinstance(backup, dict) and backup.get("enabled", True) is not False else None
            if isinstance(tasks, list) and any(isinstance(t, dict) and t.get("schedule") and t.get("enabled", True)
                                               for t in tasks):
                found.append(Evidence(f"Percona Backup for MongoDB tasks in {manifest.name}", manifest.path, manifest.line))
    found.extend(terraform_backups(repo))
    for rel in project.python_files:
        if is_application_path(rel):
            task = project.text_fact("scheduled-backup-task", rel, _scheduled_backup_task)
            if task:
                found.append(Evidence(f"backup task the service schedules: {task[0]}", rel, task[1]))
    # Litestream replicates the SQLite database to object storage continuously: a backup with no schedule to keep
    for command in [*repo.commands, *(c for commands in repo.scripts.values() for c in commands)]:
        if _CONTINUOUS_BACKUP.search(command.text) and not is_test_path(command.path):
            found.append(Evidence("continuous backup: litestream replicate", command.path, command.line))
            break
    unparsed = {p.path for p in repo.problems if p.path.endswith(".tf")}
    for rel, text in project.texts(sorted(unparsed)):  # a file the HCL parser refused: the old text match
        match = _TERRAFORM_BACKUP_RE.search(text)
        if match:
            line = text.count("\n", 0, match.start()) + 1
            found.append(Evidence("managed backup schedule in Terraform", rel, line))
    return sorted(set(found))


# A task the service's own scheduler runs: a Celery beat entry ("task": "...", "schedule": crontab(...)), a
# periodic task added to Celery, an APScheduler/schedule job (``add_job(backup_db, 'cron', ...)``,
# ``schedule.every().day.do(backup)``), a function under a periodic-task decorator.
_SCHEDULED_TASK_RE = lazy_compile(
    r"""["']task["']\s*:\s*["']([\w.]+)["']\s*,\s*["']schedule["']\s*:"""
    r"""|add_periodic_task\((?:[^()]|\([^()]*\))*?,\s*([\w.]+)\.s(?:ignature)?\("""
    r"""|\b(?:add_job|schedule_job|schedule_task|\.do)\(\s*(?:func\s*=\s*)?([\w.]+)"""
    r"""|^[ \t]*@[\w.]*(?:scheduled_job|periodic_task)\b[^\n]*\n(?:[ \t]*@[^\n]*\n)*[ \t]*(?:async\s+)?def\s+(\w+)""",
    re.MULTILINE,
)
# the task takes a backup; pruning old ones or MFA backup codes do not
_BACKUP_TASK_RE = lazy_compile(r"backup", re.IGNORECASE)
_NOT_BACKUP_TASK_RE = lazy_compile(r"delete|remove|prune|purge|clean|expire|rotate|codes?\b|tokens?\b|2fa|mfa|otp",
                                   re.IGNORECASE)


def _scheduled_backup_task(text: str) -> tuple[str, int] | None:
    """(task, line) of the first backup the module's scheduler runs (a Celery beat entry, a scheduler job)."""
    if "backup" not in text.lower():
        return None
    for match in _SCHEDULED_TASK_RE.finditer(text):
        name = next(g for g in match.groups() if g)
        task = name.rpartition(".")[2]
        if _BACKUP_TASK_RE.search(task) and not _NOT_BACKUP_TASK_RE.search(task):
            return name, text.count("\n", 0, match.start()) + 1
    return None


def _runs_known_script(repo: RepoFiles, container: Any) -> bool:
    """The CronJob runs a script the repository holds (a chart file, a ConfigMap key): judged by that script alone."""
    text = " ".join([*container.command, *container.args])
    return bool(text) and bool(repo.expand(Command(container.path, container.line, text, "kubernetes")))


# resource type -> (attribute, minimum) for managed databases whose automated backups Terraform sets
_TF_RETENTION = {
    "aws_db_instance": "backup_retention_period", "aws_rds_cluster": "backup_retention_period",
    "aws_docdb_cluster": "backup_retention_period", "aws_neptune_cluster": "backup_retention_period",
    "azurerm_postgresql_flexible_server": "backup_retention_days", "azurerm_postgresql_server": "backup_retention_days",
    "azurerm_mysql_flexible_server": "backup_retention_days", "azurerm_mysql_server": "backup_retention_days",
    "azurerm_mariadb_server": "backup_retention_days",
}


def _number(value: object) -> float | None:
    try:
        return float(str(value))
    except (TypeError, ValueError):
        return None


def _nested(block: TfBlock, *path: str) -> list[object]:
    """Values at a path of nested blocks (each block level is a list of dicts in the model)."""
    level: list[object] = [block.body]
    for key in path:
        nxt: list[object] = []
        for item in level:
            if isinstance(item, dict) and key in item:
                value = item[key]
                nxt.extend(value if isinstance(value, list) else [value])
        level = nxt
    return level


def terraform_backups(repo: RepoFiles) -> list[Evidence]:
    """Managed backup schedules declared in Terraform: backup plans, retention on managed databases."""
    found: list[Evidence] = []
    for block in repo.terraform:
        if block.kind != "resource":
            continue
        what = ""
        if block.type == "aws_backup_plan" and _nested(block, "rule"):
            what = "AWS Backup plan"
        elif block.type in _TF_RETENTION:
            days = _number(repo.tf_value(block, block.body.get(_TF_RETENTION[block.type])))
            if days is not None and days >= 1:
                what = f"{block.type} keeps automated backups {days:g} day(s)"
        elif block.type == "google_sql_database_instance":
            if any(repo.tf_value(block, v) is True or repo.tf_value(block, v) == "true"
                   for v in _nested(block, "settings", "backup_configuration", "enabled")):
                what = "Cloud SQL automated backups"
        elif block.type == "mongodbatlas_cloud_backup_schedule":
            what = "MongoDB Atlas backup schedule"
        elif block.type in ("mongodbatlas_cluster", "mongodbatlas_advanced_cluster"):
            if any(repo.tf_value(block, block.body.get(k)) in (True, "true") for k in ("cloud_backup", "backup_enabled")):
                what = "MongoDB Atlas cloud backup"
        elif block.type == "aws_dynamodb_table":
            if any(repo.tf_value(block, v) in (True, "true") for v in _nested(block, "point_in_time_recovery", "enabled")):
                what = "DynamoDB point-in-time recovery"
        if what:
            found.append(Evidence(f"managed backups in Terraform: {what}", block.path, block.line))
    return found


class BackupJob(Check):
    id = "backup-job"
    text_facts = (TextFact("scheduled-backup-task", _scheduled_backup_task,
                           lambda rel: rel.endswith(".py") and is_application_path(rel)),)
    category = "disaster-recovery"
    severity = "critical"
    effort = "1d"
    title = "Scheduled database backups"
    rationale = (
        "A backup that depends on someone remembering to run it does not exist on the day it is "
        "needed. Data loss from a bad migration, a deleted collection or a lost volume is only "
        "recoverable from a backup taken automatically before it happened."
    )
    remediation = (
        "Schedule backups: a Kubernetes CronJob running `mongodump --archive --gzip` to object "
        "storage, Percona Backup for MongoDB tasks, a Velero Schedule, or a cron/systemd timer "
        "running the backup script; keep the schedule in the repository."
    )
    scoring = (
        "Presence: 100% with a scheduled backup (CronJob, cron line, systemd timer or scheduled CI "
        "job running mongodump/pbm/pg_dump/..., a Velero Schedule, PBM tasks, or a managed backup "
        "schedule in Terraform: AWS Backup plans, RDS/DocumentDB `backup_retention_period`, Cloud SQL "
        "`backup_configuration`, Azure database `backup_retention_days`, Atlas backups; or a backup task "
        "the service's own scheduler runs: a Celery beat entry, an APScheduler or schedule job); a backup "
        "script nothing schedules is a finding (a dump in a migration or copy script is not one). "
        "Helm templates count as rendered from the chart's default values. n/a without a database: a "
        "client or container, a SQLite file the service creates tables in (not a cache), or files it writes "
        "backup archives of; a client only a search engine or query runner module imports reaches other "
        "systems' data."
    )
    examples = (
        Example({
            "app/db.py": "import pymongo\n",
            "deploy/backup.yaml": (
                "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: mongo-backup}\nspec:\n  schedule: '0 2 * * *'\n"
                "  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers:\n"
                "            - name: dump\n              image: mongo:7\n"
                "              command: [sh, -c, 'mongodump --uri \"$MONGODB_URI\" --archive=/b/db.gz --gzip']\n"
            ),
        }, findings=0, status="pass"),
        Example({
            "app/db.py": "import pymongo\n",
            "ops/crontab": "30 1 * * * /opt/app/scripts/backup.sh\n",
            "scripts/backup.sh": "#!/bin/sh\nset -e\nmongodump --archive=/backups/$(date +%F).gz --gzip\n",
        }, findings=0, status="pass", note="a cron line running the backup script"),
        Example({
            "app/db.py": "import sqlalchemy\n",
            "docker/Dockerfile": "FROM python:3.12\nCOPY docker/entrypoint.sh /entrypoint.sh\nENTRYPOINT [\"/entrypoint.sh\"]\n",
            "docker/entrypoint.sh": "#!/bin/sh\nset -e\nif [ -n \"$LITESTREAM_REPLICA_URL\" ]; then\n"
                                    "  litestream restore -if-replica-exists -o \"$DB_PATH\" \"$LITESTREAM_REPLICA_URL\"\n"
                                    "  exec litestream replicate -exec 'app serve' \"$DB_PATH\" \"$LITESTREAM_REPLICA_URL\"\n"
                                    "fi\nexec app serve\n",
        }, findings=0, status="pass", note="Litestream replicates the SQLite database continuously"),
        Example({
            "app/db.py": "import psycopg\n",
            "scripts/cron/crontab": "# m h dom mon dow command\n"
                                    "0 2 * * * (/usr/bin/monitor '<check-id>' '/home/ops/scripts/db_backup.sh') >> /var/log/db.log 2>&1\n",
            "scripts/cron/db_backup.sh": "#!/bin/sh\npg_dump \"$DATABASE_URL\" | gzip > /backups/$(date +%F).sql.gz\n",
        }, findings=0, status="pass", note="the backup script a monitoring wrapper runs in a subshell"),
        Example({
            "app/db.py": "import pymongo\n",
            "scripts/backup.sh": "#!/bin/sh\nmongodump --archive=/backups/db.gz --gzip\n",
        }, findings=1, lines=(2,), status="fail", note="a backup script nothing schedules"),
        Example({
            "app/db.py": "import psycopg\n",
            ".github/workflows/backup.yml": "on:\n  schedule:\n    - cron: '0 0 * * *'\njobs:\n  backup:\n"
                                            "    runs-on: ubuntu-latest\n    steps:\n"
                                            "      - run: heroku pg:backups:capture -a shop-prod\n",
        }, findings=0, status="pass", note="a managed Heroku Postgres backup a nightly CI job captures"),
        Example({
            "app/db.py": "import psycopg\n",
            ".github/workflows/backup.yml": "on: workflow_dispatch\njobs:\n  backup:\n    runs-on: ubuntu-latest\n"
                                            "    steps:\n      - run: heroku pg:backups:capture -a shop-prod\n",
        }, findings=0, status="fail", note="a capture only run by hand"),
        Example({"app/main.py": "import requests\n"}, status="n/a", note="no database"),
        Example({"planning/app.py": "from superdesk.factory import get_app\n\napp = get_app()\n",
                 "requirements.txt": "superdesk-core==2.7\n"}, status="fail",
                note="a Superdesk (Eve) app keeps its data in MongoDB through the framework"),
        Example({"app/db.py": "import boto3\n\n\ndef table(name):\n    return boto3.resource('dynamodb').Table(name)\n"},
                status="fail", note="a DynamoDB store reached through boto3 and no backup job"),
        Example({"app/storage.py": "import clickhouse_connect\n\n\ndef client():\n"
                                   "    return clickhouse_connect.get_client(host='clickhouse')\n"},
                status="fail", note="a ClickHouse store and no backup job"),
        Example({
            "app/db.py": "import psycopg\n",
            "app/celery.py": "from celery import Celery\nfrom celery.schedules import crontab\n\napp = Celery('app')\n"
                             "app.conf.beat_schedule = {\n    'nightly-backup': {\n"
                             "        'task': 'app.tasks.search.create_index_backup',\n"
                             "        'schedule': crontab(minute=0, hour=4),\n    },\n}\n",
        }, findings=0, status="pass", note="a Celery beat entry running the backup task nightly"),
        Example({
            "app/db.py": "import sqlalchemy\n",
            "app/__init__.py": "from apscheduler.schedulers.background import BackgroundScheduler\n\nfrom app import database\n\n"
                               "SCHED = BackgroundScheduler()\n\n\ndef start():\n"
                               "    SCHED.add_job(database.make_backup, 'interval', hours=6)\n    SCHED.start()\n",
        }, findings=0, status="pass", note="the service's own scheduler backs its database up every six hours"),
        Example({
            "app/db.py": "import psycopg\n",
            "app/celery.py": "from celery.schedules import crontab\n\nbeat_schedule = {\n    'prune': {\n"
                             "        'task': 'app.tasks.delete_old_backups',\n        'schedule': crontab(hour=5),\n    },\n"
                             "    'refresh': {'task': 'app.tasks.refresh_user_report_snapshots', 'schedule': 600.0},\n}\n",
        }, status="fail", note="pruning old backups and refreshing report snapshots take no backup"),
        Example({"app/keys.py": "import sqlite3\n\n\nclass Keys:\n    def __init__(self, path='db/keys.db'):\n"
                                "        self.conn = sqlite3.connect(path)\n"
                                "        self.conn.execute('CREATE TABLE IF NOT EXISTS keys (key TEXT PRIMARY KEY)')\n"},
                status="fail", note="API keys kept in a SQLite file through the standard library, and no backup job"),
        Example({"app/cache.py": "import sqlite3\n\n\nclass ResponseStore:\n    \"\"\"Responses cached in a SQLite DB.\"\"\"\n\n"
                                 "    def __init__(self, path):\n        self.conn = sqlite3.connect(path)\n"
                                 "        self.conn.execute('CREATE TABLE IF NOT EXISTS r (k TEXT, v BLOB)')\n"},
                status="n/a", note="a SQLite cache can be thrown away: nothing to back up"),
        Example({"app/engines/postgres_engine.py": "import psycopg2\n\n\ndef search(query, settings):\n"
                                                  "    with psycopg2.connect(settings['dsn']) as conn:\n"
                                                  "        return conn.cursor().execute(query).fetchall()\n",
                 "app/webapp.py": "import flask\n"},
                status="n/a", note="a search engine querying the user's own PostgreSQL: not the service's store"),
        Example({"app/query_runners/mongo.py": "import pymongo\n\n\ndef run(uri, collection, query):\n"
                                               "    return list(pymongo.MongoClient(uri)[collection].find(query))\n",
                 "app/webapp.py": "import flask\n"},
                status="n/a", note="a query runner reaching the user's MongoDB: not the service's store"),
        Example({"app/store.py": "import json\nimport os\nimport tarfile\n\n\ndef reset(data_dir):\n"
                                 "    \"\"\"Wipe the data directory, keeping a backup of it first.\"\"\"\n"
                                 "    with tarfile.open(os.path.join('backups', 'backup.tar.gz'), 'w:gz') as tar:\n"
                                 "        tar.add(data_dir)\n"},
                status="fail", note="the service archives its own file store as backups: data worth a backup job"),
        Example({"app/plugins/backup/__init__.py": "import zipfile\n\n\ndef create_backup(base):\n"
                                                   "    with zipfile.ZipFile('backup.zip', mode='w') as z:\n"
                                                   "        z.write(base)\n"},
                status="n/a", note="an optional backup plugin is not the core service's own store"),
        Example({"app/logs.py": "import gzip\nimport shutil\nimport zipfile\n\n\n"
                                "def rotate(path, backup_count=5):\n"
                                "    with zipfile.ZipFile(path + '.zip', 'w') as z:\n        z.write(path)\n"},
                status="n/a", note="log rotation's backup count is no data store"),
    )

    def evaluate(self, project: Project, collected: Collected, options: Mapping[str, Any]) -> Verdict:
        if not uses_datastore(project):
            return _no_datastore()
        repo = repo_files(project)
        found = scheduled_backups(project, repo)
        broken = describe_problems(repo.problems) + describe_unrendered(repo)
        scheduled_places = {(e.path, e.line) for e in found}
        findings: list[Finding] = []
        if not found:
            for path, commands in sorted(repo.scripts.items()):
                if _ONE_OFF_RE.search(path):
                    continue  # a dump taken while migrating or copying data is not a backup job
                for command in commands:
                    match = BACKUP_RE.search(command.text)
                    if match and (command.path, command.line) not in scheduled_places:
                        findings.append(Finding(command.path, command.line, 1, self.id,
                                                f"{match.group(1).split()[0]} in {path} is not scheduled "
                                                "(no CronJob, cron line, systemd timer or scheduled CI job runs it)"))
                        break
        if found:
            summary = f"scheduled backup: {found[0].message}" + (f" and {len(found) - 1} more" if len(found) > 1 else "")
        elif findings:
            summary = f"{len(findings)} backup script(s) found but nothing schedules them"
        else:
            summary = "no scheduled backup (CronJob, cron, systemd timer, Velero, PBM) found"
        return Verdict(Presence(bool(found), "a scheduled backup"), summary + broken, tuple(found), tuple(findings))


def restore_tool(text: str) -> str | None:
    """The database restore a command line runs (mongorestore, pg_restore, psql fed a dump, ...), if any."""
    match = RESTORE_RE.search(text)
    if match:
        return match.group(1).split()[0]
    match = SQL_RESTORE_RE.search(text)
    if match:
        return (match.group(1) or match.group(2) or "psql").lower()
    return None


def restore_places(project: Project, repo: RepoFiles) -> list[Evidence]:
    found: list[Evidence] = []
    for command in [*repo.commands, *(c for cmds in repo.scripts.values() for c in cmds),
                    *(c for cmds in repo.make_targets.values() for c in cmds)]:
        if "docker-entrypoint-initdb.d/" in command.path:
            continue  # run once by the database image on an empty volume: it seeds a new database, restores none
        if _copies_data(command.path):
            continue  # a fresh dump loaded into another database (staging, a local copy): no backup brought back
        tool = restore_tool(command.text)
        if tool:
            found.append(Evidence(f"{tool} ({command.origin})", command.path, command.line))
    restoring = [c for rel, commands in repo.scripts.items()
                 if "restor" in PurePosixPath(rel).name.lower() and not is_test_path(rel) for c in commands]
    restoring += [c for target, commands in repo.make_targets.items() if "restor" in target.lower() for c in commands]
    restoring += [c for c in repo.commands if "restor" in c.context.lower() and c.origin in CI_ORIGINS]
    for command in restoring:
        fed = _FED_SQL_RE.search(command.text)
        if fed:
            tool = (fed.group(1) or fed.group(2)).lower()
            found.append(Evidence(f"{tool} fed a dump ({command.origin})", command.path, command.line))
        elif _EXTRACT_RE.search(command.text):  # a data volume put back from its archive (a cold backup)
            found.append(Evidence(f"backup archive extracted back ({command.origin})", command.path, command.line))
    for rel in project.glob("**/*.yml", "**/*.yaml"):
        if _ANSIBLE_RESTORE_PATH.search(rel) and not is_test_path(rel):
            line = project.text_fact("ansible-unarchive", rel, _ansible_unarchive)
            if line:
                found.append(Evidence("backup archive extracted back (Ansible restore tasks)", rel, line))
    for rel in project.python_files:
        if "restore" in rel.rpartition("/")[2].lower() and not is_test_path(rel):
            step = project.text_fact("restore-command-file", rel, _restore_command_file)
            if step:
                found.append(Evidence(step[0], rel, step[1]))
    for rel in project.python_files:
        if is_test_path(rel):
            continue
        step = project.text_fact("restore-function", rel, _restore_function)
        if step:
            found.append(Evidence(step[0], rel, step[1]))
        elif not _copies_data(rel):  # a copy of production into a local database restores no backup
            step = project.text_fact("restore-call", rel, _restore_call)
            if step:
                found.append(Evidence(step[0], rel, step[1]))
    # A managed database the infrastructure code recreates from a snapshot on request: the restore is a
    # variable away (``snapshot_identifier = var.restore_from_snapshot ? ... : null``).
    for block in repo.tf_blocks(*_SNAPSHOT_RESTORABLE):
        if block.body.get("snapshot_identifier") not in (None, "", "null") and block.kind == "resource":
            found.append(Evidence(f"{block.type}.{block.name} restores from a snapshot (snapshot_identifier)",
                                  block.path, block.line))
    commands = _project_commands(project)
    for rel in repo.docs:
        if _MIGRATION_DOC_NAME_RE.search(PurePosixPath(rel).name) or project.text_fact("migration-doc", rel, _migration_doc):
            continue  # a dump loaded while moving to another database or version is a one-off, not a restore
        step = project.text_fact("runbook-restore-step", rel, _runbook_restore_step)
        if step is None and _BACKUP_DOC_NAME_RE.search(rel.rsplit(".", 1)[0]):
            step = project.text_fact("prose-restore-step", rel, _prose_restore_step)
        if step:
            found.append(Evidence(step[0], rel, step[1]))
        elif commands:
            named = [(name, line) for name, line in project.text_fact("restore-section-names", rel, _restore_section_names)
                     if name in commands]
            if named:
                found.append(Evidence(f"runbook section restoring with the project's {named[0][0]} command", rel,
                                      named[0][1]))
    return sorted(set(found))


# A backup guide's restore told in words: "To restore the backup, copy the file to the data folder and rename
# it to db.sqlite3", "To restore a backup: extract the zip file ..." (a SQLite file or data folder put back).
_BACKUP_DOC_NAME_RE = lazy_compile(r"backup|backing[-_]?up|restore", re.IGNORECASE)
_PROSE_RESTORE_RE = lazy_compile(r"^[ \t>*\-\d.]*to restore\b[^\n]*(?:\n[^\n]*){0,3}", re.IGNORECASE | re.MULTILINE)
_RESTORE_VERB_RE = lazy_compile(r"\b(?:copy|extract|unzip|untar|mount|import|run|rename|move|replace|load|execute)\b",
                                re.IGNORECASE)


def _prose_restore_step(text: str) -> tuple[str, int] | None:
    """(message, line) of the first "To restore ..." instruction in a backup guide that says what to do."""
    for match in _PROSE_RESTORE_RE.finditer(text):
        if _RESTORE_VERB_RE.search(match.group(0)):
            return "runbook step restoring the backup by hand", text.count("\n", 0, match.start()) + 1
    return None


# Scripts and jobs named for copying data between databases (``sync-local-to-prod.sh``,
# ``setup-staging.sh``, ``push-local-db.sh``): the pg_restore they run loads the dump they just took.
_DATA_COPY_NAME_RE = lazy_compile(r"sync|copy|clone|push|seed|migrat|upgrad|local|staging|anonymi[sz]|sanitiz", re.IGNORECASE)


def _copies_data(path: str) -> bool:
    name = PurePosixPath(path).name.lower()
    return "restor" not in name and _DATA_COPY_NAME_RE.search(name) is not None


# Documents about moving to another database or version: release upgrade notes, migration guides
_MIGRATION_DOC_NAME_RE = lazy_compile(r"migrat|upgrad|release|changelog|changes", re.IGNORECASE)
_TITLE_RE = lazy_compile(r"^#\s+(.+)$|^([^\s#.:][^\n]*)\n[=\-~^#*]{3,}[ \t]*$", re.MULTILINE)
_MIGRATION_TITLE_RE = lazy_compile(r"\b(?:migrat\w*|upgrad\w*|changing|switching|moving)\b", re.IGNORECASE)


def _migration_doc(text: str) -> bool:
    """Whether a document's title says it is about migrating ("Changing the database back-end")."""
    title = _TITLE_RE.search(text)
    return title is not None and _MIGRATION_TITLE_RE.search(title.group(1) or title.group(2)) is not None


# An Ansible restore: a role named for it (roles/restore/tasks/...) or a playbook (securedrop-restore.yml)
_ANSIBLE_RESTORE_PATH = lazy_compile(r"(?:^|/)roles/[^/]*restor[^/]*/tasks/|(?:^|/)[^/]*restor[^/]*\.ya?ml$", re.IGNORECASE)
_UNARCHIVE_RE = lazy_compile(r"^\s*-?\s*(?:ansible\.builtin\.)?unarchive:", re.MULTILINE)


def _ansible_unarchive(text: str) -> int:
    """The line of the first ``unarchive:`` task (the backup's archive unpacked on the host), or 0."""
    match = _UNARCHIVE_RE.search(text) if "unarchive" in text else None
    return text.count("\n", 0, match.start()) + 1 if match else 0


# tar extracting a compressed archive (``tar -xzf /backup/pgdata.tar.gz -C /restore``)
_EXTRACT_RE = lazy_compile(r"\btar\s+(?:-[a-wyzA-Z]*x[a-zA-Z]*|x[a-zA-Z]*)\b[^|;&]*\.(?:tar\.gz|tgz|tar\.bz2|tar\.xz|tar)\b")


_SNAPSHOT_RESTORABLE = ("aws_db_instance", "aws_rds_cluster", "aws_docdb_cluster", "aws_neptune_cluster")
_COMMAND_FILE_RE = lazy_compile(r"(?:^|/)management/commands/(\w*(?:import|restore|load)\w*)\.py$")


def _project_commands(project: Project) -> set[str]:
    """The project's own commands that bring data back (``document_importer``, ``restore_backup``)."""
    return {m.group(1) for rel in project.python_files if (m := _COMMAND_FILE_RE.search(rel)) and not is_test_path(rel)}


_HEADING_RE = lazy_compile(r"^(#{1,6})\s+(.*)$", re.MULTILINE)
_NAMED_RE = lazy_compile(r"\[([^\]\n]{3,60})\]\(|`([^`\n]{3,60})`")


def _restore_section_names(text: str) -> tuple[tuple[str, int], ...]:
    """(snake_case name, line) of what a Markdown section about restoring names in links and code: "restoring can
    be done with the [document importer](#importer)" names ``document_importer``."""
    if "restor" not in text.lower():
        return ()
    headings = list(_HEADING_RE.finditer(text))
    out: list[tuple[str, int]] = []
    for i, heading in enumerate(headings):
        if "restor" not in heading.group(2).lower():
            continue
        level = len(heading.group(1))
        end = next((h.start() for h in headings[i + 1:] if len(h.group(1)) <= level), len(text))
        for match in _NAMED_RE.finditer(text, heading.end(), end):
            words = (match.group(1) or match.group(2)).strip().lower().split()
            name = "_".join(w for w in words if w not in ("python", "manage.py", "the", "a")).replace("-", "_")
            out.append((name.split("_", 1)[-1] if name.startswith("manage_") else name,
                        text.count("\n", 0, match.start()) + 1))
    return tuple(out)


# Each of these is a pure function of one file's text: (message, line) of the restore it shows, or None.

def _restore_command_file(text: str) -> tuple[str, int] | None:
    """A command file named ``restore*`` that runs a database restore."""
    match = RESTORE_RE.search(text) or _dump_load(text)
    if match is None:
        return None
    return f"restore command running {match.group(1).split()[0]}", text.count("\n", 0, match.start()) + 1


def _restore_function(text: str) -> tuple[str, int] | None:
    """The first ``restore_*`` function that runs psql, pg_restore, mongorestore or loaddata."""
    if "restore" not in text:
        return None
    for match in _RESTORE_FUNC_RE.finditer(text):
        body = text[match.end():match.end() + 4000]
        body = body[:next((m.start() for m in re.finditer(r"^(?:def|class|@)\s*", body, re.MULTILINE)
                           if m.start() > 0), len(body))]
        tool = _restore_tool(body)
        if tool:
            return f"restore command {match.group(1)} running {tool}", text.count("\n", 0, match.start()) + 1
    return None


def _restore_tool(body: str) -> str | None:
    """The first restore tool a function body runs: a database's own, or a shell script named for restoring
    (found as any script name, then tested: a pattern for "a name holding restore" backtracks badly)."""
    found = [(m.start(), m.group(1)) for m in (_RESTORE_CALL_RE.search(body),) if m]
    found += [(m.start(), m.group(1)) for m in _SHELL_SCRIPT_RE.finditer(body) if "restore" in m.group(1)][:1]
    return min(found)[1] if found else None


# Every restore pattern a runbook step may match names one of these tools: a document naming none of
# them holds no step, and its code is never split.
_STEP_TOOLS = ("mongorestore", "pbm", "pg_restore", "velero", "restic", "borg", "litestream", "wal-g", "pgbackrest",
               "xtrabackup", "psql", "mysql", "mariadb", "loaddata")


def _runbook_restore_step(text: str) -> tuple[str, int] | None:
    """The first command in a document's code that restores a database."""
    if not may_match_ignoring_case(text, _STEP_TOOLS):
        return None
    restore_section: bool | None = None  # worked out for the first candidate: most documents have none
    tools = spans(text, _STEP_TOOLS)  # only code holding a tool's name can hold a step
    for start, code in _doc_code(text):
        if tools is not None and not holds_span(tools, start, start + len(code)):
            continue
        match = RESTORE_RE.search(code) or SQL_RESTORE_RE.search(code)
        if match is None:  # plain-SQL or fixture restores, where the doc says it restores (asked last: it looks back)
            candidate = _DOC_RESTORE_RE.search(code)
            if candidate is not None and restore_section is None:
                restore_section = may_match_ignoring_case(text, ("restor",)) and bool(_RESTORE_HEADING_RE.search(text))
            if candidate is not None and (restore_section or _introduced_as_restore(text, start)):
                match = candidate
        if match and _COMMAND_START.match(code[:match.start()].strip()):
            line = text.count("\n", 0, start + match.start()) + 1
            first = next(g for g in match.groups() if g)
            tool = "loaddata" if "loaddata" in first else first.split()[0].lower()
            return f"runbook step with {tool}", line
    return None


# A restore command written in Python (a management or CLI command file named ``restore*``) that
# feeds a database dump to the database: loaddata of a dump, psql/mysql/pg_restore run as a process.
# Restoring business objects (a form from a zip, a trashed record) is not a database restore.
_DUMP_LOAD_RE = lazy_compile(
    r"""(?:call_command\(\s*["'](loaddata)["']|\b(?:subprocess\.\w+|sh\.|check_call|check_output|run)\(\s*\[?\s*["']"""
    r"""(psql|pg_restore|mysql|mongorestore|pbm)["'\s])"""
)
_DUMP_WORD_RE = lazy_compile(r"dump|backup|\.sql\b|archive", re.IGNORECASE)


def _dump_load(text: str) -> re.Match[str] | None:
    match = _DUMP_LOAD_RE.search(text)
    if match is None or not _DUMP_WORD_RE.search(text):
        return None
    tool = match.group(1) or match.group(2)
    return re.compile(rf"({re.escape(tool)})").search(text, match.start())


# ``def restore_database(...)`` that runs psql/pg_restore/mongorestore/loaddata, or hands the backup to a
# restore script (``./restore.sh backup.tar.gz``): a restore command
_RESTORE_FUNC_RE = lazy_compile(r"^[ \t]*(?:async\s+)?def\s+(\w*restore\w*)\s*\(", re.MULTILINE)
_RESTORE_CALL_RE = lazy_compile(r"\b(psql|pg_restore|mongorestore|mysql|loaddata|pbm)\b")
_SHELL_SCRIPT_RE = lazy_compile(r"(?<![\w-])([\w-]+\.sh)\b")
# A restore the service's code runs wherever it sits (a ``dbutil restore`` branch of a management command):
# a dump handed to pg_restore/mongorestore as a process, or a managed store's restore API.
_CODE_RESTORE_RE = lazy_compile(
    r"""[\[(]\s*["'](pg_restore|mongorestore)["']|["'](pg_restore|mongorestore)\s"""
    r"""|\.(snapshot\.restore)\(|\b(restore_db_instance_from_db_snapshot|restore_db_cluster_from_snapshot"""
    r"""|restore_db_instance_to_point_in_time|restore_db_cluster_to_point_in_time|restore_table_from_backup"""
    r"""|restore_table_to_point_in_time)\("""
)
_CODE_RESTORE_NEEDLES = ("pg_restore", "mongorestore", "snapshot.restore", "restore_db_", "restore_table_")


def _restore_call(text: str) -> tuple[str, int] | None:
    """(message, line) of the first database restore a module runs: pg_restore/mongorestore as a process,
    an Elasticsearch/OpenSearch snapshot restored, a managed database or table restored from its backup."""
    if not any(needle in text for needle in _CODE_RESTORE_NEEDLES):
        return None
    match = _CODE_RESTORE_RE.search(text)
    if match is None:
        return None
    what = next(g for g in match.groups() if g)
    what = "a search index snapshot restore" if what == "snapshot.restore" else what
    return f"restore in code: {what}", text.count("\n", 0, match.start()) + 1
_RESTORE_HEADING_RE = lazy_compile(r"^(?:#{1,6}\s+[^\n]*\brestor|[^\n]*\brestor[^\n]*\n[=\-~^]{3,}\s*$)",
                                 re.IGNORECASE | re.MULTILINE)
_DOC_RESTORE_RE = lazy_compile(
    r"\b((?:python\s+)?(?:\S*manage\.py\s+)?loaddata|psql\b[^\n|]*(?:<|\s-f\s)|mysql\b[^\n|]*<)"
    # a dump piped into the database, maybe inside its container: ``cat pgdump.sql | docker exec -i db psql``
    r"|^(?:sudo\s+)?(?:cat|zcat|gunzip\s+-c|pv)\s+\S+\s*\|\s*(?:sudo\s+)?"
    r"(?:(?:docker|podman)(?:\s+compose|-compose)?\s+exec\b[^\n|]*?\s|kubectl\s+exec\b[^\n|]*?\s)?(psql|mysql|mariadb)\b"
)
# What may stand before a command on its line: a prompt, sudo and its options (``sudo -u postgres pg_restore``).
_COMMAND_START = lazy_compile(r"^(?:[$#]\s*)?(?:sudo(?:\s+-[A-Za-z]+(?:\s+[^-\s]\S*)?)*)?$")
# The prose line that opens a code block ("To restore:", "Restore the database with:").
_RESTORE_INTRO_RE = lazy_compile(r"\brestor", re.IGNORECASE)


_FENCE_RE = lazy_compile(r"^(```|~~~)[^\n]*\n(.*?)^\1", re.MULTILINE | re.DOTALL)
_INLINE_CODE_RE = lazy_compile(r"`([^`\n]+)`")


def _introduced_as_restore(text: str, offset: int) -> bool:
    """Whether the code at ``offset`` sits in a fenced block whose opening prose line speaks of restoring."""
    fence = text.rfind("\n```", 0, offset)
    if fence < 0 or text.count("\n```", fence, offset) != 1:
        return False  # not inside a fenced block, or after it
    before = [line for line in text[:fence].splitlines()[-3:] if line.strip()]
    return bool(before) and bool(_RESTORE_INTRO_RE.search(before[-1]))


def _may_fence(text: str) -> bool:
    """False when ``_FENCE_RE`` cannot match: tried at every line start, it costs a scan of a document that has none."""
    return "```" in text or "~~~" in text


def _doc_code(text: str) -> list[tuple[int, str]]:
    """(offset, command line) for each line of fenced code and each inline code span: a runbook
    step is a command someone can run, not prose that names a tool ("no mongorestore yet")."""
    out: list[tuple[int, str]] = []
    for block in _FENCE_RE.finditer(text) if _may_fence(text) else ():
        offset = block.start(2)
        for line in block.group(2).splitlines(keepends=True):
            out.append((offset, line))
            offset += len(line)
    out.extend((m.start(1), m.group(1)) for m in _INLINE_CODE_RE.finditer(text))
    # reStructuredText literal blocks: indented lines after a line ending in "::".
    offset, literal = 0, False
    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        if literal and stripped and not line[:1].isspace():
            literal = False
        if literal and stripped and not stripped.startswith(":"):
            out.append((offset + len(line) - len(line.lstrip()), line.lstrip()))
        if stripped.endswith("::") or stripped.startswith((".. code-block::", ".. code::", ".. sourcecode::")):
            literal = True
        offset += len(line)
    return sorted(out)


class RestoreProcedure(Check):
    id = "restore-procedure"
    text_facts = (TextFact("runbook-restore-step", _runbook_restore_step, is_doc),
                  TextFact("migration-doc", _migration_doc, is_doc),
                  TextFact("restore-section-names", _restore_section_names, is_doc),
                  TextFact("restore-function", _restore_function, lambda rel: rel.endswith(".py") and not is_test_path(rel)),
                  TextFact("restore-call", _restore_call, lambda rel: rel.endswith(".py") and not is_test_path(rel)))
    category = "disaster-recovery"
    severity = "high"
    effort = "1d"
    title = "Restore procedure"
    rationale = (
        "Backups are only half of recovery. Under incident pressure nobody should be working out "
        "mongorestore flags, namespaces and credentials for the first time."
    )
    remediation = (
        "Write the restore down as a script (`scripts/restore.sh` running `mongorestore --archive "
        "--gzip --drop`) or as numbered runbook steps with the exact commands, and keep it next to "
        "the backup job."
    )
    scoring = (
        "Presence: 100% with mongorestore / pbm restore / pg_restore / velero restore, or psql/mysql fed a "
        "dump or backup file, in a script, job or runbook step; a script named restore* that extracts a data "
        "volume's archive (tar -x), or an Ansible restore role or playbook that unpacks the backup (`unarchive`); "
        "a restore command in code (a `restore_*` "
        "function, or a command file named `restore*`, that runs psql, pg_restore, mongorestore or "
        "loaddata on a dump, or hands the backup to a restore script; pg_restore/mongorestore run as a "
        "process from any module not named for copying or syncing data; an Elasticsearch/OpenSearch snapshot, "
        "RDS snapshot or DynamoDB backup restored through its API); or, in a doc section about restoring, "
        "psql/mysql fed a file, loaddata, or the "
        "project's own import or restore command (`document_importer`); or a backup guide's \"To restore ...\" "
        "instruction that says what to copy, extract or run; or a managed database the Terraform "
        "recreates from a snapshot (`snapshot_identifier`). "
        "Setting a database up (`psql -f schema.sql`), restoring business objects, scripts and jobs named for "
        "copying data (sync, clone, seed, staging, local) and documents about migrating or upgrading are not restores."
    )
    equivalents = (
        Equivalent("call", ("mongorestore", "pbm restore", "pg_restore", "velero restore", "litestream restore",
                            "psql < dump", "mysql < dump", "loaddata dump"), True,
                   "a database's restore in a script, job, make target or runbook step"),
        Equivalent("call", ("restore_*() running pg_restore/psql/mongorestore", "a command file named restore*"), True,
                   "the project's own restore command"),
        Equivalent("call", ("snapshot.restore()", "restore_db_instance_from_db_snapshot()", "restore_table_from_backup()"),
                   True, "a managed store's restore API"),
        Equivalent("file", ("restore*.sh extracting a volume archive", "an Ansible restore role with unarchive"), True,
                   "a cold backup put back"),
        Equivalent("setting", ("snapshot_identifier",), True, "Terraform recreating the database from a snapshot"),
        Equivalent("file", ("a backup guide's \"To restore ...\" step", "a restore section naming the project's import command"),
                   True, "a runbook step in words or through the project's own command"),
        Equivalent("call", ("psql -f schema.sql", "docker-entrypoint-initdb.d"), False, "setting a database up"),
        Equivalent("file", ("sync*, clone*, seed*, staging*, copy_to_local*",), False, "copying data restores no backup"),
        Equivalent("file", ("migration and upgrade guides",), False, "a one-off load while moving"),
        Equivalent("call", ("restore_item()", "unarchive a release"), False, "restoring business objects or installing"),
    )
    examples = (
        Example({
            "app/db.py": "import pymongo\n",
            "scripts/restore.sh": "#!/bin/sh\nmongorestore --archive=\"$1\" --gzip --drop\n",
        }, status="pass"),
        Example({
            "app/db.py": "import pymongo\n",
            "docs/runbooks/restore.md": "# Restore\n\n1. Fetch the archive.\n2. `mongorestore --archive=db.gz --gzip`\n",
        }, status="pass", note="a runbook step"),
        Example({
            "app/db.py": "import psycopg\n",
            "scripts/restore-db.sh": "#!/bin/sh\nset -e\ngunzip -c \"$1\" | psql \"$DATABASE_URL\"\n",
        }, status="pass", note="psql fed a compressed dump"),
        Example({
            "app/db.py": "import pymysql\n",
            "scripts/restore.sh": "#!/bin/sh\nset -e\nmysql -h \"$DB_HOST\" -u root -p\"$DB_PASSWORD\" shop < \"$1\"\n",
        }, status="pass", note="mysql fed a dump"),
        Example({
            "app/db.py": "import pymongo\n",
            "docs/runbooks/mongodb.md": "# Recovering MongoDB\n\n1. List the backups: `pbm list`\n"
                                        "2. Restore the chosen one: `pbm restore 2024-05-01T00:00:00Z`\n",
        }, status="pass", note="a Percona Backup for MongoDB restore step"),
        Example({
            "app/db.py": "import sqlalchemy\n",
            "docker/entrypoint.sh": "#!/bin/sh\nset -e\nif [ ! -f \"$DB_PATH\" ]; then\n"
                                    "  litestream restore -o \"$DB_PATH\" \"$LITESTREAM_REPLICA_URL\"\nfi\nexec app serve\n",
        }, status="pass", note="Litestream restores the SQLite database from its replica"),
        Example({
            "app/db.py": "import psycopg\n",
            "scripts/init-db.sh": "#!/bin/sh\npsql \"$DATABASE_URL\" -f schema.sql\n",
        }, status="fail", note="setting a database up is not restoring one"),
        Example({
            "app/db.py": "import psycopg\n",
            "deploy/restore.sh": "#!/bin/bash\nset -e\ndocker volume create \"$1\"\ndocker run --rm \\\n"
                                 "    -v \"$1\":/vol -v \"$PWD/backup\":/backup \\\n"
                                 "    busybox sh -c 'tar -xzf \"/backup/pgdata.tar.gz\" -C /vol'\n",
        }, status="pass", note="a restore script that puts the database's volume back from its archive"),
        Example({
            "app/db.py": "import psycopg\n",
            "deploy/install.sh": "#!/bin/bash\nset -e\ncurl -sL \"$RELEASE\" -o app.tar.gz\ntar -xzf app.tar.gz -C /opt/app\n",
        }, status="fail", note="unpacking a release is not a restore"),
        Example({
            "app/db.py": "import psycopg\n",
            "dev/db/docker-entrypoint-initdb.d/init-dbs.sh": "#!/bin/bash\nset -e\n"
                                                            "xz -d < /example.sql.xz | psql -U postgres warehouse\n",
        }, status="fail", note="the database image seeding a new development database is not a restore"),
        Example({
            "app/db.py": "import psycopg\n",
            "install_files/ansible-base/roles/restore/tasks/perform_restore.yml": (
                "- name: Copy backup to the server\n  synchronize:\n    src: \"{{ restore_file }}\"\n"
                "    dest: /tmp/{{ restore_file }}\n\n- name: Extract backup\n  unarchive:\n    dest: /\n"
                "    remote_src: yes\n    src: \"/tmp/{{ restore_file }}\"\n"),
        }, status="pass", note="an Ansible restore role that unpacks the backup archive on the host"),
        Example({
            "app/db.py": "import psycopg\n",
            "install_files/ansible-base/roles/app/tasks/install.yml": (
                "- name: Unpack the release\n  unarchive:\n    dest: /opt/app\n    src: app.tar.gz\n"),
        }, status="fail", note="an Ansible role that unpacks a release restores nothing"),
        Example({
            "app/db.py": "import pymongo\n",
            "docs/ops.md": "# Operations\n\nWe should be able to restore from backups.\n",
        }, status="fail", note="an intention is not a procedure"),
        Example({
            "app/db.py": "import pymongo\n",
            "README.md": "# Orders\n\nNo restore job (mongorestore, pbm restore) exists yet.\n",
        }, status="fail", note="naming a tool in prose is not a runbook step"),
        Example({
            "app/db.py": "import psycopg\n",
            "app/management/commands/document_importer.py": "from django.core.management.base import BaseCommand\n\n\n"
                                                            "class Command(BaseCommand):\n    def handle(self, *a, **o):\n"
                                                            "        pass\n",
            "docs/administration.md": "## Backup\n\nRun the document exporter.\n\n### Restoring\n\n"
                                      "Restoring is done with the [document importer](#importer).\n",
        }, status="pass", note="a restore section that points to the project's own importer command"),
        Example({
            "app/db.py": "import psycopg\n",
            "app/management/commands/document_importer.py": "from django.core.management.base import BaseCommand\n",
            "docs/administration.md": "## Importing\n\nBring documents in with the [document importer](#importer).\n",
        }, status="fail", note="an import command that no section about restoring names"),
        Example({
            "app/db.py": "import psycopg\n",
            "docs/system/backup.md": "## Manual backup\n\nTo back up:\n```\ndocker exec -t db pg_dumpall -U app > pgdump.sql\n"
                                     "```\n\nTo restore:\n```\ncat pgdump.sql | sudo docker exec -i db psql postgres -U app\n```\n",
        }, status="pass", note="a dump piped into psql inside its container, under a line that says it restores"),
        Example({
            "app/db.py": "import psycopg\n",
            "docs/dev.md": "## Development\n\nTo create the schema:\n```\ncat schema.sql | docker exec -i db psql -U app\n```\n",
        }, status="fail", note="piping a schema into psql to set a database up is no restore"),
        Example({
            "app/db.py": "import psycopg\n",
            "doc/maintaining/database-management.rst": "Restoring\n=========\n\nThen restore it again:\n\n"
                                                       ".. parsed-literal::\n\n    app -c app.ini db clean\n"
                                                       "    sudo -u postgres pg_restore --clean -d app < app.dump\n",
        }, status="pass", note="a reStructuredText runbook step run through sudo"),
        Example({
            "app/db.py": "import psycopg\n",
            "deploy/rds.tf": 'resource "aws_db_instance" "core" {\n  engine = "postgres"\n'
                             '  snapshot_identifier = var.restore_from_snapshot ? var.core_snapshot : null\n}\n\n'
                             'variable "restore_from_snapshot" {\n  default = false\n}\n'
                             'variable "core_snapshot" {\n  default = null\n}\n',
        }, status="pass", note="Terraform recreates the managed database from a snapshot when asked"),
        Example({
            "app/db.py": "import psycopg\n",
            "deploy/rds.tf": 'resource "aws_db_instance" "core" {\n  engine = "postgres"\n'
                             '  final_snapshot_identifier = "core-final"\n}\n',
        }, status="fail", note="a final snapshot on delete is a backup, not a way back"),
        Example({
            "app/db.py": "import sqlalchemy\n",
            "docs/backups.md": "# Backups\n\nCreate a backup with `app backup /data/backup.sqlite3`.\n\n"
                               "To restore the backup, copy the backup file to the data folder of the new installation\n"
                               "and rename it to `db.sqlite3`. Then start the container.\n",
        }, status="pass", note="a backup guide saying in words how to put the SQLite file back"),
        Example({
            "app/db.py": "import sqlalchemy\n",
            "docs/backups.md": "# Backups\n\nMake sure you are able to restore your data from backups.\n\n"
                               "To restore is to be ready.\n",
        }, status="fail", note="urging restores is not saying how"),
        Example({
            "app/db.py": "import psycopg\n",
            "scripts/setup-staging.sh": "#!/bin/bash\nset -e\npg_dump --format=custom --file /tmp/seed.dump \"$LOCAL_URL\"\n"
                                        "pg_restore --clean --no-owner --dbname \"$STAGING_URL\" /tmp/seed.dump\n",
        }, status="fail", note="a script loading a fresh dump of one database into another copies data, restores no backup"),
        Example({
            "app/db.py": "import psycopg\n",
            "docs/database.rst": "Changing the database back-end\n==============================\n\nBundled PostgreSQL\n"
                                 "------------------\n\nLoad the dump into the new server:\n\n"
                                 "1. `cat /dump/backup_db.sql | psql -h localhost -U app`\n",
        }, status="fail", note="loading a dump while moving to another database server is a one-off migration"),
        Example({
            "app/db.py": "import psycopg\n",
            "tests/test_docker.sh": "#!/bin/bash\nset -e\ndocker exec -i db pg_dump -U app -F c > backup.bak\n"
                                    "cat backup.bak | docker exec -i db pg_restore -U app --dbname=template1 -vcC\n",
        }, status="pass", note="a container test that backs up and restores the database"),
        Example({
            "app/db.py": "import psycopg\n",
            "app/management/commands/dbutil.py": (
                "import subprocess\n\nfrom django.core.management import BaseCommand\n\n\nclass Command(BaseCommand):\n"
                "    def handle(self, action, path, **options):\n        if action == 'dump':\n"
                "            subprocess.run(['pg_dump', '-Fc', '--file', path, 'app'])\n"
                "        elif action == 'restore':\n            subprocess.run(['pg_restore', '-d', 'app', path])\n"),
        }, status="pass", note="a database utility command whose restore branch runs pg_restore"),
        Example({
            "app/db.py": "import psycopg\n",
            "app/management/commands/copy_to_local.py": (
                "import subprocess\n\n\ndef handle(dump):\n    subprocess.run(['pg_restore', '-d', 'local', dump])\n"),
        }, status="fail", note="loading a copy of production into a local database restores no backup"),
        Example({
            "app/search.py": "from elasticsearch import Elasticsearch\n\nclient = Elasticsearch('http://search:9200')\n\n\n"
                             "def bring_back(repository, snapshot, index):\n"
                             "    return client.snapshot.restore(repository=repository, snapshot=snapshot,\n"
                             "                                   body={'indices': index})\n",
        }, status="pass", note="a command restoring the search index from its snapshot"),
        Example({
            "app/search.py": "from elasticsearch import Elasticsearch\n\nclient = Elasticsearch('http://search:9200')\n\n\n"
                             "def take(repository, name):\n"
                             "    return client.snapshot.create(repository=repository, snapshot=name)\n",
        }, status="fail", note="taking a snapshot is a backup, not a way back"),
        Example({
            "app/db.py": "import sqlalchemy\n",
            "app/services/backups.py": (
                "import subprocess\n\n\nasync def restore_backup(upload):\n    path = '/data/backup.tar.gz'\n"
                "    with open(path, 'wb') as f:\n        f.write(await upload.read())\n"
                "    subprocess.run(['./restore.sh', '--delete-backup', path], check=True)\n"),
        }, status="pass", note="the service hands an uploaded backup to its restore script"),
        Example({"app/main.py": "x = 1\n"}, status="n/a"),
    )

    def evaluate(self, project: Project, collected: Collected, options: Mapping[str, Any]) -> Verdict:
        if not uses_datastore(project):
            return _no_datastore()
        found = restore_places(project, repo_files(project))
        if found:
            summary = f"restore procedure: {found[0].message}" + (f" and {len(found) - 1} more" if len(found) > 1 else "")
        else:
            summary = "no restore script, job or runbook step (mongorestore, pbm restore, pg_restore) found"
        return Verdict(Presence(bool(found), "a restore procedure"), summary, tuple(found))


_TEST_RUNNER_RE = lazy_compile(r"^(?:\S*/)?(?:pytest|py\.test|tox|nox|coverage)\b|\bmanage\.py\s+test\b|-m\s+(?:pytest|unittest)\b")


def _runs_tests(command: Command) -> bool:
    """A job that runs the unit tests of a backup feature is not a backup verified by restoring it."""
    return any(_TEST_RUNNER_RE.search(" ".join(argv)) for argv, _ in programs(command))


_NOT_DATA_BACKUP_RE = lazy_compile(r"backup[-_]?codes?|recovery[-_]?codes?|2fa|mfa|otp|totp", re.IGNORECASE)
# what a script that checks database backups works with
_BACKUP_CONTENT_RE = lazy_compile(
    r"mongorestore|pg_restore|mongodump|pg_dump|pbm\b|velero|restic|borg|wal-g|pgbackrest|snapshot|\.archive|"
    r"gzip|tarfile|\bs3\b|boto3|checksum|sha256|bson|backup_file|backup_path|backups?/", re.IGNORECASE,
)


class BackupVerification(Check):
    id = "backup-verification"
    category = "disaster-recovery"
    severity = "high"
    effort = "1-2d"
    title = "Backups verified by restoring them"
    rationale = (
        "An untested backup is a hope: archives get truncated, credentials rotate, the dump misses "
        "a database. Only a regular restore (or validation) shows the backups can bring the service back."
    )
    remediation = (
        "Schedule a job that restores the newest backup into a scratch database and checks it "
        "(collection counts, a smoke query), e.g. a weekly CronJob running `mongorestore` against a "
        "throwaway instance, or a `verify_backup` script run by cron or CI."
    )
    scoring = (
        "Presence: 100% with a scheduled restore (mongorestore, pg_restore, psql fed a dump, ...), a "
        "scheduled job, or a script whose name says it verifies/validates/tests backups or restores and "
        "that works with backups (dump/restore tools, archives, snapshots); unit tests (also when a "
        "scheduled job runs them) and MFA backup codes do not count."
    )
    equivalents = (
        Equivalent("call", ("a scheduled mongorestore/pg_restore/psql < dump",), True, "a regular restore drill"),
        Equivalent("file", ("verify_backup*", "validate_backup*", "test_restore*"), True,
                   "a script named for checking backups that works with them"),
        Equivalent("file", ("a scheduled unit-test job of a backup feature",), False, "tests restore no backup"),
        Equivalent("call", ("backup codes",), False, "an account's MFA backup codes"),
        Equivalent("call", ("restoring trashed records",), False, "business objects, not a backup"),
        Equivalent("file", ("a restore script nothing schedules",), False, "a procedure, not a verification"),
    )
    examples = (
        Example({
            "app/db.py": "import pymongo\n",
            ".github/workflows/restore-drill.yml": (
                "on:\n  schedule: [{cron: '0 4 * * 0'}]\njobs:\n  drill:\n    runs-on: ubuntu-latest\n    steps:\n"
                "      - run: mongorestore --uri \"$SCRATCH_URI\" --archive=latest.gz --gzip\n"
            ),
        }, status="pass", note="a weekly restore drill"),
        Example({
            "app/db.py": "import pymongo\n",
            "scripts/verify_backup.py": "import gzip\n",
        }, status="pass", note="a verification script"),
        Example({
            "app/db.py": "import pymongo\n",
            "scripts/restore.sh": "#!/bin/sh\nmongorestore --archive=\"$1\" --gzip\n",
        }, status="fail", note="a restore script nothing runs regularly"),
        Example({
            "app/db.py": "import pymongo\n",
            ".github/workflows/backup-tests.yml": (
                "on:\n  schedule: [{cron: '0 5 * * *'}]\njobs:\n  backup-tests:\n    runs-on: ubuntu-latest\n"
                "    steps:\n      - run: pytest tests/backup\n"
            ),
        }, status="fail", note="unit tests of a backup feature, even on a schedule, restore nothing"),
        Example({
            "app/db.py": "import psycopg\n",
            "app/tasks.py": (
                "from celery import shared_task\n\nfrom app.models import Item\n\n\n@shared_task\n"
                "def restore_expired_drafts():\n    for item in Item.objects.filter(state='trashed', restorable=True):\n"
                "        item.restore()\n"),
            "app/celery.py": "beat_schedule = {'drafts': {'task': 'app.tasks.restore_expired_drafts', 'schedule': 3600}}\n",
        }, status="fail", note="a scheduled task that restores business objects verifies no backup"),
        Example({"app/main.py": "x = 1\n"}, status="n/a"),
    )

    def evaluate(self, project: Project, collected: Collected, options: Mapping[str, Any]) -> Verdict:
        if not uses_datastore(project):
            return _no_datastore()
        repo = repo_files(project)
        found: list[Evidence] = []
        for command in _scheduled(repo):
            if restore_tool(command.text):
                found.append(Evidence(f"scheduled restore ({command.origin})", command.path, command.line))
            elif (VERIFY_RE.search(command.text) or VERIFY_RE.search(command.context)) and not _runs_tests(command):
                found.append(Evidence(f"scheduled backup verification ({command.origin})", command.path, command.line))
        for container in repo.containers:
            if container.kind == "CronJob" and VERIFY_RE.search(f"{container.workload} {container.name}"):
                found.append(Evidence(f"verification CronJob {container.workload}", container.path, container.line))
        for rel in project.files:
            name = rel.rpartition("/")[2]
            if not rel.endswith((".py", ".sh", ".bash", ".yml", ".yaml", ".js", ".ts")) or not VERIFY_RE.search(name):
                continue
            if is_test_path(rel) or _NOT_DATA_BACKUP_RE.search(name):
                continue  # a unit test of an export helper, MFA backup codes: not verification of backups
            if _BACKUP_CONTENT_RE.search(project.read_text(rel) or ""):
                found.append(Evidence("backup verification script", rel))
        found = sorted(set(found))
        if found:
            summary = f"backup verification: {found[0].message}" + (f" and {len(found) - 1} more" if len(found) > 1 else "")
        else:
            summary = "nothing restores or validates backups on a schedule"
        return Verdict(Presence(bool(found), "backup verification"), summary, tuple(found))


_RUNBOOK_NAME_RE = lazy_compile(r"disaster|recovery|runbook|(^|[-_/])dr([-_.]|$)|backup|backing[-_]?up|restore|continuity|playbook",
                                re.IGNORECASE)
# A real heading (Markdown ``#`` or an underlined reStructuredText title), not any line that
# happens to mention a runbook: "we have no runbook yet" is not one.
_TOPICS = ("disaster recovery", "runbook", "restore procedure", "recovery procedure")
_TOPIC = rf"({'|'.join(_TOPICS)})"
_RUNBOOK_HEADING_RE = lazy_compile(
    rf"^#{{1,6}}\s+.*{_TOPIC}|^[^\n]*{_TOPIC}[^\n]*\n[=\-~^]{{3,}}\s*$", re.IGNORECASE | re.MULTILINE,
)
_RPO_RE = lazy_compile(r"\bRPO\b|recovery point objective", re.IGNORECASE)
_RTO_RE = lazy_compile(r"\bRTO\b|recovery time objective", re.IGNORECASE)
_RESTORE_WORD_RE = lazy_compile(r"\brestor(e|ing|ation)\b", re.IGNORECASE)


def _runbook_heading(text: str) -> bool:
    if not may_match_ignoring_case(text, _TOPICS):
        return False  # the heading names a topic: a text naming none has none
    return _RUNBOOK_HEADING_RE.search(text) is not None


# A section of a wider document (an administration guide, a deployment README) on taking or restoring backups:
# "Making backups", "Backup and Restore", "Restore DB dumps"; not a hook or setting named for them
# (``plugin.backup.before_backup``) nor MFA backup codes.
_SECTION_HEADING_RE = lazy_compile(r"^#{1,6}[ \t]+([^\n]+)$|^([^\s#.:][^\n]*)\n[=\-~^`*]{3,}[ \t]*$", re.MULTILINE)
_BACKUP_HEADING_RE = lazy_compile(
    r"\bbackups?\b|\bbacking\s+up\b|\bback\s+up\b|\brestor(?:e|ing)\b.*\b(?:backups?|dumps?|database|data)\b", re.IGNORECASE,
)
_IDENTIFIER_RE = lazy_compile(r"\w[._]\w")
# What a disaster recovery document speaks of: a runbook or playbook about anything else (a data pipeline,
# an on-call rota) is not one.
_DR_TOPIC_RE = lazy_compile(r"disaster|recover|backup|backing up|restor|continuity|failover|\bRPO\b|\bRTO\b", re.IGNORECASE)


def _may_name_backups(text: str, lowered: str) -> bool:
    """False when no line of the text can match ``_BACKUP_HEADING_RE`` (a heading is a line, or what is left of
    one after a fence), by literal tests on the lowered text: backup, backing, restor, or "back" before a space."""
    if any(word in lowered for word in ("backup", "backing", "restor")) or (
            not text.isascii() and any(char in text for char in FOLDS_TO_ASCII)):
        return True
    at = lowered.find("back")
    while at != -1:
        if lowered[at + 4:at + 5].isspace():
            return True
        at = lowered.find("back", at + 4)
    return False


def _backup_section(text: str) -> bool:
    """Whether a document has a heading about taking or restoring backups (fenced code aside)."""
    lowered = text.lower()
    if ("back" not in lowered and "restor" not in lowered) or not _may_name_backups(text, lowered):
        return False
    prose = _FENCE_RE.sub("", text) if _may_fence(text) else text
    for match in _SECTION_HEADING_RE.finditer(prose):
        heading = match.group(1) or match.group(2)
        if len(heading) > 200:
            continue  # a paragraph underlined by chance, not a heading
        if (_BACKUP_HEADING_RE.search(heading) and not _IDENTIFIER_RE.search(heading.split("{", 1)[0])
                and not _NOT_DATA_BACKUP_RE.search(heading)):
            return True
    return False


def _dr_topic(text: str) -> bool:
    return _DR_TOPIC_RE.search(text) is not None


_README_RE = lazy_compile(r"(?:^|/)README[^/]*\.(?:md|rst)$", re.IGNORECASE)


def _runbook_candidates(project: Project, repo: RepoFiles) -> list[str]:
    """The documents, and README files wherever they sit (a deployment folder's README.Docker.md)."""
    docs = set(repo.docs)
    return sorted(docs | {rel for rel in project.files if _README_RE.search(rel) and not is_test_path(rel)
                          and path_role(rel) not in _NOT_THE_SERVICES_DOCS})


# A README of vendored code, an example or a fixture documents someone else's software.
_NOT_THE_SERVICES_DOCS = frozenset({GENERATED, EXAMPLE, FIXTURE})


def _is_runbook(project: Project, rel: str) -> bool:
    """A document named or titled for disaster recovery, runbooks, backups or restores, or a wider document with
    a section on backups (a migration or upgrade guide's "back up first" aside); it must speak of recovery."""
    if _RUNBOOK_NAME_RE.search(rel.rsplit(".", 1)[0]) or project.text_fact("runbook-heading", rel, _runbook_heading):
        return bool(project.text_fact("dr-topic", rel, _dr_topic))
    if _MIGRATION_DOC_NAME_RE.search(rel) or project.text_fact("migration-doc", rel, _migration_doc):
        return False
    return bool(project.text_fact("backup-section", rel, _backup_section))


def _runbook_elements(text: str) -> tuple[bool, bool, bool]:
    """Whether a runbook's text holds restore steps, an RPO and an RTO."""
    return (_RESTORE_WORD_RE.search(text) is not None, _RPO_RE.search(text) is not None,
            _RTO_RE.search(text) is not None)


class DrRunbook(Check):
    id = "dr-runbook"
    text_facts = (TextFact("runbook-heading", _runbook_heading, is_doc), TextFact("migration-doc", _migration_doc, is_doc),
                  TextFact("backup-section", _backup_section, is_doc))
    category = "disaster-recovery"
    severity = "medium"
    effort = "1d"
    title = "Disaster recovery runbook"
    rationale = (
        "During an outage the people on call need one document that says how much data may be "
        "lost (RPO), how long recovery may take (RTO) and the exact steps to restore, written "
        "while everyone was calm."
    )
    remediation = (
        "Add docs/runbooks/disaster-recovery.md: the RPO and RTO, where backups live, the restore "
        "steps with commands, how to verify the restored data, and who to call."
    )
    scoring = (
        "Share of four elements: a runbook document, restore steps in it, a stated RPO, a stated RTO "
        "(a runbook is a Markdown/RST doc or README named or titled for disaster recovery, runbooks, backups or "
        "restores and speaking of recovery, or a wider doc with a section on backups; not a migration or upgrade guide)."
    )
    examples = (
        Example({
            "app/db.py": "import pymongo\n",
            "docs/disaster-recovery.md": "# Disaster recovery\n\nRPO: 24 hours. RTO: 2 hours.\n\n## Restore\n"
                                         "1. `mongorestore --archive=latest.gz --gzip --drop`\n",
        }, status="pass"),
        Example({
            "app/db.py": "import pymongo\n",
            "docs/runbook.md": "# Runbook\n\n## Restoring the database\nUse the newest archive.\n",
        }, status="fail", note="restore steps but no RPO or RTO: 2 of 4"),
        Example({
            "app/db.py": "import pymongo\n",
            "README.md": "# Orders service\n\nThe RTO of the payment provider is not our concern.\n",
        }, status="fail", note="an RTO mentioned outside any runbook"),
        Example({
            "app/db.py": "import pymongo\n",
            "README.md": "# Orders\n\nWe still need a disaster recovery runbook with an RPO and RTO.\n",
        }, status="fail", note="a sentence about a missing runbook is not a runbook"),
        Example({
            "app/db.py": "import psycopg\n",
            "docs/administration.md": "# Administration\n\n## Making backups\n\nWe lose at most a day (RPO 24h) and are "
                                      "back within four hours (RTO 4h).\n\n### Restoring\n\n"
                                      "Stop the app, then `pg_restore --clean -d app app.dump`.\n\n## Updating\n\nPull the image.\n",
        }, status="pass", note="the backups section of an administration guide"),
        Example({
            "app/db.py": "import psycopg\n",
            "deploy/docker/README.Docker.md": "# Running in Docker\n\n## Disaster recovery on a fresh host\n\n"
                                              "RPO: one day. RTO: two hours.\n\n1. Restore the volume archive.\n"
                                              "2. `scripts/restore.sh backup.sql`\n",
        }, status="pass", note="a deployment folder's README with the recovery steps"),
        Example({
            "app/db.py": "import psycopg\n",
            "docs/upgrading.md": "# Upgrading\n\n## Backup database and config\n\nRPO and RTO do not apply to upgrades; "
                                 "restore the copy if the upgrade fails.\n",
            "docs/plugins/hooks.md": "# Hooks\n\n## plugin.backup.before_backup\n\nRPO, RTO, restore: called before a backup.\n",
        }, status="fail", note="an upgrade guide's backup step and a hook named for backups are no runbook"),
        Example({"app/main.py": "x = 1\n"}, status="n/a"),
    )

    def evaluate(self, project: Project, collected: Collected, options: Mapping[str, Any]) -> Verdict:
        if not uses_datastore(project):
            return _no_datastore()
        repo = repo_files(project)
        runbooks: list[tuple[str, tuple[bool, bool, bool]]] = []
        for rel in _runbook_candidates(project, repo):
            if _is_runbook(project, rel):
                runbooks.append((rel, project.text_fact("runbook-elements", rel, _runbook_elements)))
        elements = {
            name: [rel for rel, held in runbooks if held[index]]
            for index, name in enumerate(("restore steps", "RPO", "RTO"))
        }
        present = (1 if runbooks else 0) + sum(1 for paths in elements.values() if paths)
        evidence = [Evidence("runbook", rel) for rel, _ in runbooks]
        evidence += [Evidence(f"runbook states {name}", paths[0]) for name, paths in elements.items() if paths]
        missing = [name for name, paths in elements.items() if not paths]
        if runbooks:
            summary = f"runbook {runbooks[0][0]}" + (f"; missing: {', '.join(missing)}" if missing else " covers restore, RPO and RTO")
        else:
            summary = "no disaster recovery runbook in the docs"
        return Verdict(Share(present, 4, "runbook elements", "present"), summary, tuple(evidence))


CHECKS: list[type[Check]] = [BackupJob, RestoreProcedure, BackupVerification, DrRunbook]
