"""Disaster recovery checks through the real engine on small repositories."""

from __future__ import annotations

from pathlib import Path

from helpers import check_result, scan_tree, write_tree

DB = {"app/db.py": "from pymongo import MongoClient\n"}


def outcome(root: Path, check: str) -> object:
    return check_result(scan_tree(root, select=[check]), check)


def test_velero_and_pbm_schedules(tmp_path: Path) -> None:
    write_tree(tmp_path, {**DB, "deploy/velero.yaml": (
        "apiVersion: velero.io/v1\nkind: Schedule\nmetadata: {name: nightly}\nspec:\n  schedule: '0 1 * * *'\n"
        "---\napiVersion: psmdb.percona.com/v1\nkind: PerconaServerMongoDB\nmetadata: {name: rs}\nspec:\n"
        "  backup:\n    enabled: true\n    tasks:\n      - name: daily\n        enabled: true\n        schedule: '0 0 * * *'\n"
    )})
    result = outcome(tmp_path, "backup-job")
    assert result.status == "pass"
    assert {(e.message, e.line) for e in result.evidence} == {
        ("Velero schedule nightly", 1), ("Percona Backup for MongoDB tasks in rs", 7)}


def test_scheduled_workflow_through_make_and_systemd_timer(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        **DB,
        ".github/workflows/nightly.yml": "on:\n  schedule:\n    - cron: '0 2 * * *'\njobs:\n  b:\n"
                                         "    runs-on: ubuntu-latest\n    steps:\n      - run: make backup\n",
        "Makefile": "backup:\n\tmongodump --archive=db.gz --gzip\n",
    })
    result = outcome(tmp_path, "backup-job")
    assert result.status == "pass"
    assert [(e.path, e.line) for e in result.evidence] == [("Makefile", 2)]


def test_unscheduled_pbm_and_broken_manifest_mentioned(tmp_path: Path) -> None:
    write_tree(tmp_path, {**DB, "ops/backup.sh": "#!/bin/sh\npbm backup --compression=gzip\n",
                          "deploy/x.yaml": "apiVersion: v1\nkind: [\n"})
    scan = scan_tree(tmp_path, select=["backup-job"])
    result = check_result(scan, "backup-job")
    assert result.status == "fail" and result.score == 0
    assert [(f.path, f.line) for f in scan.findings] == [("ops/backup.sh", 2)]
    assert "deploy/x.yaml: malformed YAML" in result.summary


def test_verification_cronjob_and_restore_in_docs(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        **DB,
        "deploy/verify.yaml": (
            "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: backup-verify}\nspec:\n  schedule: '@weekly'\n"
            "  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers:\n"
            "            - name: check\n              image: tools:1\n              args: [python, check.py]\n"
        ),
        "docs/ops/restore.rst": "Restore\n=======\n\n.. code-block:: sh\n\n   pbm restore 2024-01-01T00:00:00Z\n",
    })
    assert outcome(tmp_path, "backup-verification").status == "pass"
    restore = outcome(tmp_path, "restore-procedure")
    assert restore.status == "pass"
    assert [(e.path, e.line) for e in restore.evidence] == [("docs/ops/restore.rst", 6)]


def test_runbook_elements_score_as_a_share(tmp_path: Path) -> None:
    write_tree(tmp_path, {**DB, "docs/dr.md": "# Disaster recovery\n\nRecovery point objective: 1h.\n"})
    partial = outcome(tmp_path, "dr-runbook")
    assert partial.status == "fail" and partial.score == 0.5
    assert partial.summary == "runbook docs/dr.md; missing: restore steps, RTO"
    write_tree(tmp_path, {"docs/dr.md": "# Disaster recovery\n\nRPO 1h, RTO 4h.\n\nRestore with mongorestore.\n"})
    assert outcome(tmp_path, "dr-runbook").score == 1.0


def test_not_applicable_without_a_database(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/main.py": "import requests\n", "scripts/backup.sh": "tar czf x.tgz data\n"})
    for check in ("backup-job", "restore-procedure", "backup-verification", "dr-runbook"):
        assert outcome(tmp_path, check).status == "n/a", check


def test_a_backing_up_guide_is_a_partial_runbook(tmp_path: Path) -> None:
    guide = ("---\ntitle: \"Backing Up a Self-Hosted Deployment\"\n---\n\n## The database\n\n"
             "```bash\npg_dump -Fc orders > orders.dump\n```\n\n## Restoring\n\n"
             "```bash\npg_restore --clean -d orders orders.dump\n```\n")
    write_tree(tmp_path, {**DB, "docs/operations/backing_up.md": guide})
    result = outcome(tmp_path, "dr-runbook")
    assert result.status == "fail" and result.score == 0.5, result.summary  # a document with restore steps, no RPO/RTO
    assert result.summary == "runbook docs/operations/backing_up.md; missing: RPO, RTO"


def test_a_runbook_about_something_else_is_none(tmp_path: Path) -> None:
    write_tree(tmp_path, {**DB, "docs/pipeline/module_b_runbook.md": "# Noise filter runbook\n\nRerun the importer.\n",
                          "docs/on-call-playbook.md": "# On-call playbook\n\nTriage the alerts queue each morning.\n"})
    result = outcome(tmp_path, "dr-runbook")
    assert result.score == 0.0 and result.summary == "no disaster recovery runbook in the docs"


def test_a_backups_section_of_a_wider_guide_is_a_partial_runbook(tmp_path: Path) -> None:
    guide = ("# Administration\n\n## Making backups\n\nExport the documents.\n\n### Restoring\n\n"
             "Restoring is done with the importer.\n\n## Updating\n\nPull the image.\n")
    write_tree(tmp_path, {**DB, "docs/administration.md": guide,
                          "docs/security.md": "# Security\n\n## Backup codes\n\nPrint your recovery codes.\n"})
    result = outcome(tmp_path, "dr-runbook")
    assert result.score == 0.5, result.summary
    assert result.summary == "runbook docs/administration.md; missing: RPO, RTO"
