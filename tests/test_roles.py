"""File roles: which files are the running service, and how the count checks treat the others."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import check_result, run_cli, scan_json, scan_tree, write_tree

from readiness.config import ConfigError, read_config, validate_config
from readiness.roles import role_of


@pytest.mark.parametrize(("path", "role"), [
    ("app/orders/service.py", "service"),
    ("src/shop/dev/stresstest.py", "script"),  # developer tooling kept inside the package
    ("dev/bump_version.py", "script"),
    ("src/shop/devices/views.py", "service"),
    ("api/features/models.py", "service"),  # a feature-flag app, not behave
    ("app/latest.py", "service"),
    ("tests/test_orders.py", "test"),
    ("app/orders/tests/api/test_views.py", "test"),
    ("shop/tests.py", "test"),
    ("shop/orders_tests.py", "test"),
    ("taiga/base/management/commands/test_emails.py", "cli"),  # manage.py test_emails: a command, not a test
    ("ckanext/example_iauthfunctions/plugin.py", "example"),  # an example plugin the project ships
    ("packages/acme-benchmark/acme_benchmark/runner.py", "script"),  # a monorepo's benchmark package
    ("app/examples_loader.py", "service"),
    ("tests/management/commands/test_sync.py", "test"),
    ("conftest.py", "test"),
    ("server/features/steps/steps_publish.py", "test"),
    ("api/app/settings/test.py", "test"),
    ("src/app/plugins/app_test/conversation.py", "test"),
    ("e2e/checkout.spec.py", "test"),
    ("unittests/scans/gitleaks/report.json", "fixture"),
    ("tests/fixtures/orders.json", "fixture"),
    ("app/functional_tests_fixtures/__init__.py", "fixture"),
    ("utils/generate_fake_data/resources/assets.py", "fixture"),  # a generator of fake rows for development
    ("app/management/commands/create_sample_data.py", "fixture"),  # a command filling a development database
    ("app/mock_data.py", "fixture"),
    ("app/management/commands/demodata.py", "cli"),  # demo installs load it: an operator's command
    ("app/tasks/sample_data.py", "service"),  # a task that samples existing rows
    ("app/fake_data_client.py", "service"),  # a client of a service named for fake data, not sample rows
    ("app/metadata.py", "service"),
    ("app/services/fake.py", "service"),
    ("shop/migrations/0002_auto.py", "migration"),
    ("lnbits/core/migrations.py", "migration"),  # a module of migration steps (m001_initial, m002_...)
    ("app/db_migrations.py", "migration"),
    ("app/migrations_helper.py", "service"),
    ("migrations/versions/3adfdd6598df_.py", "migration"),
    ("app/db_migrations/0047_default.py", "migration"),
    ("src/app/database/revisions/tenant/env.py", "migration"),
    ("shop/management/commands/import_orders.py", "cli"),
    ("manage.py", "cli"),
    ("app/cli/users.py", "cli"),
    ("scripts/release.py", "script"),
    ("bin/run.py", "script"),
    ("setup.py", "script"),
    ("docs/conf_example.py", "example"),
    ("examples/client.py", "example"),
    ("contrib/plugins/notify.py", "example"),
    (".env.sample", "example"),
    ("vendor/left_pad.py", "generated"),
    ("app/proto/orders_pb2.py", "generated"),
    ("locustfile.py", "loadtest"),
    (".github/workflows/check_version.py", "infrastructure"),
    ("docker/healthcheck.py", "infrastructure"),
    ("install_files/ansible-base/callback_plugins/version_check.py", "infrastructure"),
    ("app/upload-screenshots.py", "script"),  # no import reaches a hyphenated name: run as a file
    ("noxfiles/ci_nox.py", "script"),
    ("noxfiles/run_infrastructure.py", "script"),
    ("qa/scenarios/bigquery_with_data.py", "script"),
    ("forum/qa/views.py", "service"),  # a questions-and-answers app, not a QA folder
    ("pants-plugins/release/register.py", "script"),
    ("testing-scripts/benchmark.py", "script"),
    ("tests_e2e.py", "test"),  # a root-level module of end-to-end tests
    ("bookmarks/tests_e2e/helpers.py", "test"),
    ("scripts/test-environments/authelia/config.yml", "test"),
    ("app/testsuite.py", "service"),
    ("devenv/sync.py", "script"),
    ("devproject/settings.py", "script"),
    ("misago/core/testproject/urls.py", "test"),
    ("shop/testapp/models.py", "test"),
    ("shop/testimonials/views.py", "service"),
    ("evaluation/core/__init__.py", "script"),  # a top-level harness that scores the service
    ("app/evaluation/models.py", "service"),
])
def test_path_roles(path: str, role: str) -> None:
    assert role_of(path) == role


ALEMBIC = ('"""add index"""\nfrom alembic import op\n\nrevision = "3adf"\ndown_revision = "11aa"\n\n\n'
           'def upgrade():\n    op.create_index("ix", "t", ["c"])\n')
DJANGO_COMMAND = ("from django.core.management.base import BaseCommand\n\n\nclass Command(BaseCommand):\n"
                  "    def handle(self, *args, **options):\n        print('done')\n")
CLICK_GROUP = "import click\n\n\n@click.group()\ndef cli():\n    pass\n\n\n@cli.command()\ndef release():\n    print('tagged')\n"
ARGPARSE_MAIN = ("import argparse\n\n\ndef main(argv=None):\n    print('ok')\n\n\nif __name__ == '__main__':\n"
                 "    parser = argparse.ArgumentParser()\n    parser.add_argument('--dry-run')\n    main()\n")
CLICK_IN_APP = ("import click\nfrom flask import Flask\n\napp = Flask(__name__)\n\n\n@app.route('/orders')\ndef orders():\n"
                "    return []\n\n\n@click.command()\ndef seed():\n    pass\n")
DDD_COMMANDS = ("from dataclasses import dataclass\n\n\n@dataclass\nclass PlaceOrder:\n    order_id: str\n\n\n"
                "def handle(command):\n    print(command)\n")
ARGV_ENTRY = ("import json\nimport sys\nfrom pathlib import Path\n\n\ndef config_from_payload():\n"
              "    if len(sys.argv) < 2:\n        print('missing payload', file=sys.stderr)\n        sys.exit(1)\n"
              "    return json.loads(Path(sys.argv[1]).read_text())\n")
SETTINGS_ARGV = ("import sys\n\nTESTING = 'test' in sys.argv\nDEBUG = False\n")
FLASK_COMMANDS = ("import click\nfrom flask.cli import with_appcontext\n\n\n@click.command('purge')\n@with_appcontext\n"
                  "def purge():\n    print('purged')\n")


PARSER_ABOVE_GUARD = ("import argparse\n\n\ndef parse_arguments():\n    parser = argparse.ArgumentParser()\n"
                      "    parser.add_argument('--count')\n    return parser.parse_args()\n\n\ndef main():\n"
                      "    print(parse_arguments())\n\n\nif __name__ == '__main__':\n    main()\n")
SERVER_WITH_FLAGS = ("import argparse\n\nfrom app.api import app\n\n\ndef options():\n"
                     "    parser = argparse.ArgumentParser()\n    parser.add_argument('--port')\n    return parser.parse_args()\n\n\n"
                     "if __name__ == '__main__':\n    app.run(port=options().port)\n")
MODULE_PARSER = ("import argparse\nimport subprocess\n\nparser = argparse.ArgumentParser(description='Backport a PR')\n"
                 "parser.add_argument('pr')\nargs = parser.parse_args()\nprint(args.pr)\n")
SUBCOMMANDS = ("import argparse\n\n\ndef list_orphans(args: argparse.Namespace) -> None:\n    print(find(args.store_dir))\n\n\n"
               "def add_orphans_parser(subps):\n    subps.add_parser('list-orphans').set_defaults(func=list_orphans)\n")


@pytest.mark.parametrize(("path", "text", "role"), [
    ("app/db/changes/3adf_add_index.py", ALEMBIC, "migration"),
    ("wger/tasks.py", "from invoke import Collection, task\n\n\n@task\ndef bootstrap(context):\n    print('done')\n", "cli"),
    ("app/invoices.py", "def invoke(handler):\n    return handler()\n", "service"),  # the word, not the library
    # the import as formatters write it, over several lines in parentheses
    ("project/tasks.py", "from invoke import (\n    Collection,\n    Program,\n    task,\n)\n\n\n@task\n"
     "def load_fixtures(context):\n    print('loaded')\n", "cli"),
    ("app/jobs.py", "from invoke import (\n    Context,\n)\n\n\ndef run(command):\n    return Context().run(command)\n",
     "service"),  # invoke used as a library, no tasks
    ("app/loaddata.py", PARSER_ABOVE_GUARD, "cli"),
    ("app/serve.py", SERVER_WITH_FLAGS, "service"),  # its main guard starts the app
    ("utils/backport.py", MODULE_PARSER, "cli"),
    ("app/management/orphans.py", SUBCOMMANDS, "cli"),
    ("shop/commands/import_orders.py", DJANGO_COMMAND, "cli"),
    ("tools_release/github_utils.py", CLICK_GROUP, "cli"),
    ("app/reindex.py", ARGPARSE_MAIN, "cli"),
    ("app/commands.py", FLASK_COMMANDS, "cli"),
    ("app/main.py", CLICK_IN_APP, "service"),  # the app itself, with one command beside its routes
    ("orders/commands.py", DDD_COMMANDS, "service"),  # domain commands, not a command line
    ("zou/remote/config_payload.py", ARGV_ENTRY, "cli"),  # reads its own arguments and exits
    ("app/settings.py", SETTINGS_ARGV, "service"),  # looks at argv, is no entry script
    ("packages/acme-client/setup.py", "from setuptools import find_packages, setup\n\nsetup(name='acme')\n", "script"),
    ("redash/handlers/setup.py", "from flask import request\n\n\ndef setup():\n    return request.form\n",
     "service"),  # the setup page of the app, not a build script
    # work done as the module is imported: a program run as a file, wherever it sits
    ("forum/themes/aurora/build_emoji_set.py", "import sys\n\nimport requests\n\nURL = 'https://x/{}'.format(sys.argv[1])\n",
     "script"),
    ("app/providers/cilium/generate_protobuf.py", "import subprocess\n\nsubprocess.run(['protoc', 'flow.proto'])\n",
     "script"),
    ("app/export.py", "import json\n\nwith open('emoji.js', 'w') as f:\n    f.write(json.dumps([]))\n", "script"),
    ("app/tasks/archive.py", "import subprocess\n\n\ndef archive(path):\n    subprocess.run(['tar', 'czf', path])\n\n\n"
     "def read(path):\n    with open(path, 'w') as f:\n        return f\n", "service"),  # the same work inside functions
    ("proj/settings.py", "import sys\n\nTESTING = len(sys.argv) > 1 and sys.argv[1] == 'test'\n", "service"),
    ("src/argus/incident/factories.py", "import random\n\nimport factory\n\n\nclass IncidentFactory(factory.django."
     "DjangoModelFactory):\n    level = factory.LazyFunction(lambda: random.randint(1, 5))\n", "fixture"),
    ("apps/libs/remote/modules_utils/mongodb_client.py",
     "from ansible_collections.community.mongodb.plugins.module_utils.mongodb_common import MongoClient\n\n\n"
     "def connect(module):\n    return MongoClient(**module.params)\n", "script"),  # runs on the managed host
    ("apps/libs/remote/modules/ssh_ping.py",
     "from ansible.module_utils.basic import AnsibleModule\n\n\ndef main():\n    AnsibleModule(argument_spec={})\n", "script"),
    ("app/playbooks.py", "import ansible_runner\n\n\ndef run(play):\n    return ansible_runner.run(playbook=play)\n",
     "service"),  # the service running a playbook is the service
    ("app/factory.py", "from flask import Flask\n\n\ndef create_app():\n    return Flask(__name__)\n", "service"),
])
def test_content_roles(path: str, text: str, role: str) -> None:
    assert role_of(path, text) == role


def test_overrides_win_over_layout() -> None:
    overrides = {"service": ["scripts/worker_entry.py"], "scripts": ["app/ops/**"], "migrations": ["db/changes/*"]}
    assert role_of("scripts/worker_entry.py", overrides=overrides) == "service"
    assert role_of("app/ops/reset.py", overrides=overrides) == "script"
    assert role_of("db/changes/0001.py", overrides=overrides) == "migration"
    assert role_of("app/orders.py", overrides=overrides) == "service"


SERVICE_FILE = (
    "import requests\n\n\ndef charge(order):\n    # TODO: handle refunds\n    print('charging', order)\n"
    "    try:\n        requests.post('https://billing.acme.io/charges', json=order)\n    except Exception:\n        pass\n"
)


def _tree(tmp_path: Path, extra: dict[str, str] | None = None) -> Path:
    """A small Django-shaped service whose tests, migrations, commands and scripts do everything wrong."""
    files = {
        "shop/__init__.py": "",
        "shop/payments.py": SERVICE_FILE,
        "shop/tests/test_payments.py": SERVICE_FILE.replace("def charge", "def test_charge"),
        "shop/migrations/0002_backfill.py": (
            "from django.db import migrations\n\n\ndef forwards(apps, schema_editor):\n"
            "    # TODO: drop after the backfill\n    print('backfilling')\n    try:\n        apps.get_model('shop', 'Order')\n"
            "    except Exception:\n        pass\n\n\nclass Migration(migrations.Migration):\n"
            "    operations = [migrations.RunPython(forwards)]\n"
        ),
        "shop/management/commands/warm_cache.py": (
            "import requests\nfrom django.core.management.base import BaseCommand\n\n\nclass Command(BaseCommand):\n"
            "    def handle(self, *args, **options):\n        # FIXME: paginate\n        print('warming')\n"
            "        requests.get('http://cache-warmer.internal/all')\n"
        ),
        "scripts/release.py": SERVICE_FILE,
        "docs/examples/client.py": SERVICE_FILE,
    }
    files.update(extra or {})
    return write_tree(tmp_path, files)


COUNT_CHECKS = ["print-call", "todo-comment", "hardcoded-value", "swallowed-exception", "missing-timeout"]


def test_count_checks_judge_the_service_only(tmp_path: Path) -> None:
    result = scan_tree(_tree(tmp_path), select=COUNT_CHECKS)
    for check in COUNT_CHECKS:
        paths = {f.path for f in result.findings if f.check == check}
        assert paths == {"shop/payments.py"}, (check, paths)
    assert check_result(result, "missing-timeout").summary.startswith("1 of 1 ")


def test_findings_carry_their_role_in_json(tmp_path: Path) -> None:
    root = _tree(tmp_path, {"shop/keys.py": 'GITHUB = "ghp_' + "a1B2c3D4e5F6g7H8i9J0" * 2 + '"\n',
                            "shop/tests/test_keys.py": 'TOKEN = "ghp_' + "Z9y8X7w6V5u4T3s2R1q0" * 2 + '"\n'})
    doc = scan_json(root, "--select", "print-call,hardcoded-secret")
    roles = {(f["check"], f["path"]): f.get("role") for f in doc["findings"]}
    assert roles[("print-call", "shop/payments.py")] == "service"
    assert roles[("hardcoded-secret", "shop/keys.py")] == "service"
    assert roles[("hardcoded-secret", "shop/tests/test_keys.py")] == "test"  # a live-looking token counts anywhere


PRIVATE_KEY = ("-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA0Z3VS5JJcds3xfn/ygWyF8PbnGy0AHB7MaL0pWk6Y0y+fnnQ\n"
               "-----END RSA PRIVATE KEY-----\n")


def test_secrets_in_tests_fixtures_and_migrations_are_not_production_secrets(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {
        "app/settings.py": 'import os\n\nSECRET_KEY = os.getenv("SECRET_KEY", "dev-secret-123")\n',
        "app/db.py": 'DB_PASSWORD = "Pr0d-Pa55word"\n',
        "app/tests/test_login.py": 'def test_login(client):\n    client.login(password="hunter2-pass")\n',
        "app/settings/test.py": 'SECRET_KEY = "test-secret-key-123"\n',
        "migrations/env.py": 'URL = "postgresql://lemur:lemur-pass@localhost/lemur"\n',
        "unittests/scans/gitleaks/report.json": '{"Secret": "ghp_' + "a1B2c3D4e5F6g7H8i9J0" * 2 + '"}\n',
        "ops/keys/dev_private.key": PRIVATE_KEY,
        "tests/data_keys.key": PRIVATE_KEY,
        "scripts/seed_admin.py": 'import os\n\nPASSWORD = os.getenv("ADMIN_PASSWORD", "admin-pass-1")\n',
        "app/management/commands/sync_ldap.py": (
            'import os\nfrom django.core.management.base import BaseCommand\n\n\nclass Command(BaseCommand):\n'
            '    def handle(self, *args, **options):\n        bind = os.getenv("LDAP_PASSWORD", "ldap-bind-pw")\n'),
    })
    result = scan_tree(root, select=["hardcoded-secret", "default-secret"])
    found = {(f.check, f.path) for f in result.findings}
    assert found == {
        ("default-secret", "app/settings.py"),
        ("default-secret", "app/management/commands/sync_ldap.py"),  # a command runs with production's environment
        ("hardcoded-secret", "app/db.py"),
        ("hardcoded-secret", "ops/keys/dev_private.key"),
    }


def test_bandit_judges_the_service_only(tmp_path: Path) -> None:
    weak = "import hashlib\n\n\ndef token(data):\n    return hashlib.md5(data).hexdigest()\n"
    root = write_tree(tmp_path, {
        "app/hashing.py": weak,
        "app/migrations/0003_fingerprints.py": weak,
        "app/management/commands/rehash.py": weak,
        "scripts/checksum.py": weak,
        "tests/test_hashing.py": weak,
    })
    result = scan_tree(root, select=["sast-findings"])
    assert {f.path for f in result.findings if f.check == "sast-findings"} == {"app/hashing.py"}


def test_paths_configuration_overrides_roles(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {
        "app/orders.py": "def place(order):\n    return order\n",
        "scripts/worker_entry.py": "def run():\n    print('consuming')\n",  # deployed as the queue worker
        "app/ops_console.py": "def reset():\n    print('reset done')\n",  # run by hand from a shell
    })
    plain = scan_tree(root, select=["print-call"])
    assert {f.path for f in plain.findings} == {"app/ops_console.py"}
    configured = scan_tree(root, select=["print-call"],
                           config={"paths": {"service": ["scripts/worker_entry.py"], "scripts": ["app/ops_*.py"]}})
    assert {f.path for f in configured.findings} == {"scripts/worker_entry.py"}
    assert {f.role for f in configured.findings} == {"service"}


def test_paths_configuration_is_validated(tmp_path: Path) -> None:
    write_tree(tmp_path, {"readiness.yaml": "paths:\n  scripts: [ops/**]\n  service: [scripts/worker.py]\n"})
    settings = validate_config(read_config(tmp_path))
    assert settings.get("paths") == {"scripts": ["ops/**"], "service": ["scripts/worker.py"]}
    write_tree(tmp_path, {"readiness.yaml": "paths:\n  script: [ops/**]\n"})
    with pytest.raises(ConfigError, match="paths.script"):
        validate_config(read_config(tmp_path))


def test_explain_roles(tmp_path: Path) -> None:
    proc = run_cli("explain", "roles", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "# File roles" in proc.stdout and "paths:" in proc.stdout and "`migration`" in proc.stdout
    proc = run_cli("explain", "print-call", "--examples", cwd=tmp_path)  # the whole page
    assert "Which files count" in proc.stdout and "readiness explain roles" in proc.stdout
