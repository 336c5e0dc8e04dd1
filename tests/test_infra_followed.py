"""What infrastructure delegates is followed: reusable workflows, Helm printf/tpl, scripts kept beside a chart."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from helpers import check_result, scan_tree, write_tree

from readiness.helm_render import ChartFiles, Unrenderable, render

APP = {"app/__init__.py": "", "app/db.py": "from pymongo import MongoClient\n\nclient = MongoClient\n"}


def run(root: Path, check: str, files: dict[str, str]) -> Any:
    write_tree(root, {**APP, **files})
    return check_result(scan_tree(root, select=[check]), check)


# -- reusable workflows -----------------------------------------------------------------------------

NIGHTLY = (
    "name: nightly\non:\n  schedule:\n    - cron: '0 3 * * *'\n  workflow_dispatch: {}\njobs:\n"
    "  backup:\n    uses: ./.github/workflows/db-task.yml\n    with:\n      command: {command}\n    secrets: inherit\n"
)
DB_TASK = (
    "name: db task\non:\n  workflow_call:\n    inputs:\n      command:\n        type: string\n        required: true\n"
    "jobs:\n  run:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n"
    "      - name: Run\n        run: |\n          ${{ inputs.command }}\n"
)
BACKUP_WORKFLOW = (
    "on:\n  workflow_call: {}\njobs:\n  dump:\n    runs-on: ubuntu-latest\n    steps:\n"
    "      - run: mongodump --uri \"$MONGO_URI\" --archive=backup.gz --gzip\n"
    "      - run: aws s3 cp backup.gz s3://backups/$(date +%F).gz\n"
)


def test_scheduled_caller_makes_the_reusable_workflow_a_backup_job(tmp_path: Path) -> None:
    result = run(tmp_path, "backup-job", {
        ".github/workflows/nightly.yml": NIGHTLY.replace("{command}", "x").replace(
            "db-task.yml", "backup.yml").replace("    with:\n      command: x\n", ""),
        ".github/workflows/backup.yml": BACKUP_WORKFLOW,
    })
    assert result.status == "pass", result.summary
    assert any(e.path == ".github/workflows/backup.yml" and "mongodump" in e.message for e in result.evidence)


def test_reusable_backup_workflow_nobody_schedules_is_not_a_backup_job(tmp_path: Path) -> None:
    result = run(tmp_path, "backup-job", {
        ".github/workflows/release.yml": "on: [push]\njobs:\n  b:\n    uses: ./.github/workflows/backup.yml\n",
        ".github/workflows/backup.yml": BACKUP_WORKFLOW,
    })
    assert result.status == "fail"


def test_caller_inputs_reach_the_reusable_workflow(tmp_path: Path) -> None:
    nightly = NIGHTLY.replace("{command}", '"mongorestore --archive=latest.gz --gzip --dryRun && python scripts/check_counts.py"')
    result = run(tmp_path, "backup-verification", {
        ".github/workflows/nightly.yml": nightly, ".github/workflows/db-task.yml": DB_TASK,
        "scripts/check_counts.py": "print('ok')\n",
    })
    assert result.status == "pass", result.summary
    lint = run(tmp_path / "lint", "lint-enforced-in-ci", {
        ".github/workflows/pr.yml": "on: [pull_request]\njobs:\n  lint:\n    uses: ./.github/workflows/db-task.yml\n"
                                    "    with:\n      command: ruff check .\n",
        ".github/workflows/db-task.yml": DB_TASK,
    })
    assert lint.status == "pass", lint.summary


def test_ignored_failure_in_the_caller_reaches_the_callee(tmp_path: Path) -> None:
    result = run(tmp_path, "lint-enforced-in-ci", {
        ".github/workflows/ci.yml": "on: [pull_request]\njobs:\n  lint:\n    runs-on: ubuntu-latest\n"
                                    "    continue-on-error: true\n    steps:\n      - uses: ./.github/actions/lint\n",
        ".github/actions/lint/action.yml": "runs:\n  using: composite\n  steps:\n"
                                           "    - run: ruff check .\n      shell: bash\n",
    })
    assert result.status == "fail", result.summary


# -- Helm printf, tpl and the chart's own files ----------------------------------------------------

CHART = {"chart/Chart.yaml": "apiVersion: v2\nname: api\nversion: 0.1.0\n"}
CRONJOB = (
    "{{- if .Values.backup.enabled }}\napiVersion: batch/v1\nkind: CronJob\nmetadata:\n"
    "  name: {{ printf \"%s-%s\" .Release.Name \"db-backup\" | trunc 52 }}\nspec:\n"
    "  schedule: {{ .Values.backup.schedule | quote }}\n  jobTemplate:\n    spec:\n      template:\n        spec:\n"
    "          containers:\n            - name: backup\n              image: {{ .Values.backup.image }}\n"
    "              command: [\"/bin/bash\", \"/scripts/backup.sh\"]\n"
    "              volumeMounts:\n                - {name: scripts, mountPath: /scripts}\n"
    "          volumes:\n            - name: scripts\n              configMap:\n"
    "                name: {{ printf \"%s-scripts\" .Release.Name }}\n"
    "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ printf \"%s-scripts\" .Release.Name }}\ndata:\n"
    "  {{- (.Files.Glob \"scripts/*.sh\").AsConfig | nindent 2 }}\n{{- end }}\n"
)
VALUES = "backup:\n  enabled: true\n  schedule: '15 1 * * *'\n  image: mongo:7\n"


def test_chart_script_mounted_from_files_glob_is_judged_by_its_content(tmp_path: Path) -> None:
    dump = "#!/bin/bash\nset -euo pipefail\nmongodump --uri \"$MONGO_URI\" --gzip --archive=/backup/$(date +%F).gz\n"
    result = run(tmp_path / "good", "backup-job", {
        **CHART, "chart/values.yaml": VALUES, "chart/templates/backup.yaml": CRONJOB, "chart/scripts/backup.sh": dump,
    })
    assert result.status == "pass", result.summary
    assert any("mongodump" in e.message for e in result.evidence)
    cleanup = "#!/bin/bash\nfind /tmp -mtime +7 -delete\n"
    result = run(tmp_path / "bad", "backup-job", {
        **CHART, "chart/values.yaml": VALUES.replace("mongo:7", "alpine:3"), "chart/templates/backup.yaml": CRONJOB,
        "chart/scripts/backup.sh": cleanup,
    })
    assert result.status == "fail", result.summary


def test_tpl_renders_a_command_kept_in_values(tmp_path: Path) -> None:
    template = (
        "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: {{ include \"api.fullname\" . }}-dump\nspec:\n"
        "  schedule: \"0 4 * * *\"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers:\n"
        "            - name: dump\n              image: postgres:16\n              command: [sh, -c]\n"
        "              args:\n                - {{ tpl .Values.dump.command . | quote }}\n"
    )
    values = "dump:\n  database: orders\n  command: 'pg_dump -Fc {{ .Values.dump.database }} > /dumps/{{ .Release.Name }}.dump'\n"
    result = run(tmp_path, "backup-job", {**CHART, "chart/values.yaml": values, "chart/templates/dump.yaml": template})
    assert result.status == "pass", result.summary


def test_renderer_printf_tpl_and_files() -> None:
    assert render('{{ printf "%s-%d%%" .Release.Name 5 }}', {}, "orders") == "orders-5%"
    assert render('{{ printf "%q" .Values.a }}', {"a": 'x"y'}) == '"x\\"y"'
    assert render("{{ tpl .Values.t . }}", {"t": "{{ .Values.n }}", "n": 3}) == "3"
    with pytest.raises(Unrenderable):  # a values string that renders itself forever stops
        render("{{ tpl .Values.t . }}", {"t": "{{ tpl .Values.t . }}"})
    with pytest.raises(Unrenderable):  # without the chart's files, .Files is not guessed
        render('{{ .Files.Get "a.sh" }}', {})
    seen: list[str] = []

    def get(name: str) -> str | None:
        seen.append(name)
        return {"files/a.sh": "echo a"}.get(name)

    files = ChartFiles(get, ("files/a.sh", "README.md"))
    assert render('{{ .Files.Get "files/a.sh" }}|{{ .Files.Get "missing" }}', {}, files=files) == "echo a|"
    assert render('{{ (.Files.Glob "files/*").AsConfig }}', {}, files=files) == "a.sh: echo a"


def test_chart_files_stay_inside_the_chart(tmp_path: Path) -> None:
    from test_repo_files import parse

    template = ("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n"
                "  backup.sh: |\n    {{- .Files.Get \"../secrets/backup.sh\" | nindent 4 }}\n")
    repo = parse(tmp_path, {**CHART, "chart/values.yaml": "{}\n", "chart/templates/cm.yaml": template,
                            "secrets/backup.sh": "#!/bin/sh\nmongodump\n"})
    assert repo.scripts["secrets/backup.sh"]  # the repository's own script, read as itself
    assert not any("mongodump" in c.text for rel, commands in repo.scripts.items() if rel.startswith("chart/")
                   for c in commands)


# -- manifests that describe no deployment ---------------------------------------------------------

FIXTURE_MANIFEST = (
    "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: db-backup\nspec:\n  schedule: '0 1 * * *'\n"
    "  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers:\n"
    "            - name: dump\n              image: mongo:7\n              command: [mongodump, --archive]\n"
)


def test_parser_fixtures_and_test_manifests_are_not_deployments(tmp_path: Path) -> None:
    files = {
        "unittests/scans/kubelinter/many.yaml": FIXTURE_MANIFEST,
        "tests/data/k8s/cronjob.yaml": FIXTURE_MANIFEST,
        "vendor/chart-lib/deploy.yaml": FIXTURE_MANIFEST,
    }
    capacity = run(tmp_path, "capacity-limits", files)
    assert capacity.status == "n/a" and capacity.findings == 0, capacity.summary
    assert check_result(scan_tree(tmp_path, select=["backup-job"]), "backup-job").status == "fail"
    # the same manifest where deployments live is judged
    deployed = run(tmp_path / "deployed", "capacity-limits", {"deploy/k8s/backup.yaml": FIXTURE_MANIFEST})
    assert deployed.status == "fail" and deployed.findings == 1


def test_renderer_sprig_maps_numbers_and_coalesce() -> None:
    values = {"extra": {"team": "a", "tier": "web"}, "own": {"tier": "api"}, "replicas": "3", "name": ""}
    assert render("{{ with mergeOverwrite dict .Values.extra .Values.own }}{{ .team }}-{{ .tier }}{{ end }}",
                  values) == "a-api"
    assert render("{{ (merge (dict \"tier\" \"first\") .Values.own).tier }}", values) == "first"
    assert render("{{ if gt (int .Values.replicas) 1 }}pdb{{ end }}", values) == "pdb"
    assert render("{{ coalesce .Values.name .Values.own.tier \"x\" }}", values) == "api"
    with pytest.raises(Unrenderable):  # the cluster's API versions are not known here: not guessed
        render("{{ if .Capabilities.APIVersions.Has \"networking.gke.io/v1\" }}x{{ end }}", values)


def test_a_template_without_containers_that_cannot_render_hides_no_container(tmp_path: Path) -> None:
    deployment = (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n"
        "  {{- with mergeOverwrite dict .Values.extraAnnotations }}\n  annotations:\n"
        "    {{- toYaml . | nindent 4 }}\n  {{- end }}\nspec:\n  replicas: {{ int .Values.replicas }}\n"
        "  template:\n    spec:\n      containers:\n        - name: web\n          image: web:1\n"
        "          resources:\n            {{- toYaml .Values.web.resources | nindent 12 }}\n"
        "      {{- if .Values.exporter.enabled }}\n        - name: exporter\n          image: exporter:1\n"
        "          resources:\n            {{- toYaml .Values.exporter.resources | nindent 12 }}\n      {{- end }}\n"
    )
    certificate = ("{{- if .Capabilities.APIVersions.Has \"networking.gke.io/v1\" }}\napiVersion: networking.gke.io/v1\n"
                   "kind: ManagedCertificate\nmetadata:\n  name: cert\n{{- end }}\n")
    values = ("replicas: '2'\nextraAnnotations: {}\nweb:\n  resources:\n    requests: {cpu: 100m, memory: 256Mi}\n"
              "    limits: {memory: 512Mi}\nexporter:\n  enabled: false\n  resources: {}\n")
    result = run(tmp_path, "capacity-limits", {
        **CHART, "chart/values.yaml": values, "chart/templates/web.yaml": deployment,
        "chart/templates/cert.yaml": certificate,
    })
    # the certificate template holds no containers, so the chart counts as rendered: the web container
    # is judged as rendered, and the exporter (disabled by default) by its empty values block, which
    # no rendered template read: enabled, it would run unbounded
    assert result.status == "fail" and "1 of 2" in result.summary, result.summary
    assert result.findings == 1
    assert not any("web" in e.message and "values" in e.message for e in result.evidence)
    finding = next(f for f in scan_tree(tmp_path, select=["capacity-limits"]).findings)
    assert (finding.path, finding.line) == ("chart/values.yaml", 9) and "exporter.resources" in finding.message
    # sized in values, the disabled exporter is no finding, and not evidence either
    sized = values.replace("  resources: {}\n", "  resources: {requests: {cpu: 10m, memory: 32Mi}, limits: {memory: 64Mi}}\n")
    result = run(tmp_path / "sized", "capacity-limits", {
        **CHART, "chart/values.yaml": sized, "chart/templates/web.yaml": deployment,
    })
    assert result.status == "pass" and "1 of 1" in result.summary, result.summary


# -- platforms sized by a plan or an instance class ------------------------------------------------

def test_render_plan_and_app_engine_sizes(tmp_path: Path) -> None:
    render_yaml = ("services:\n  - type: web\n    name: api\n    env: docker\n    plan: standard\n"
                   "    healthCheckPath: /health\n  - type: worker\n    name: jobs\n    env: docker\n")
    app_yaml = "runtime: python312\nservice: api\ninstance_class: F2\nentrypoint: gunicorn -b :$PORT app.main:app\n"
    flexible = "runtime: python\nenv: flex\nresources:\n  cpu: 2\n  memory_gb: 4\n"
    result = run(tmp_path, "capacity-limits", {"render.yaml": render_yaml, "gae/app.yaml": app_yaml,
                                               "flex/app.yaml": flexible})
    assert result.status == "pass" and "3 of 3" in result.summary, result.summary
    assert any("Render service 'api' sized" in e.message for e in result.evidence)
    # a worker with no plan is not recorded: the platform's default applies, nothing was decided
    unsized = run(tmp_path / "unsized", "capacity-limits", {
        "render.yaml": "services:\n  - type: web\n    name: api\n    env: docker\n",
        "config/app.yaml": "debug: false\nfeatures: [a, b]\n",
    })
    assert unsized.status == "n/a", unsized.summary


def test_containers_sized_from_one_empty_values_block_are_one_finding_there(tmp_path: Path) -> None:
    deployment = (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  template:\n"
        "    spec:\n      containers:\n        - name: app\n          image: app:1\n          resources:\n"
        "            {{- toYaml .Values.resources | nindent 12 }}\n        - name: worker\n          image: app:1\n"
        "          resources:\n            {{- toYaml .Values.resources | nindent 12 }}\n"
        "        - name: proxy\n          image: envoy:1\n          resources:\n"
        "            requests: {cpu: 10m, memory: 32Mi}\n            limits: {memory: 64Mi}\n"
    )
    values = "image: app\nreplicas: 2\nresources: {}\n  # limits:\n  #   memory: 128Mi\n"
    result = run(tmp_path, "capacity-limits", {**CHART, "chart/values.yaml": values, "chart/templates/app.yaml": deployment})
    assert result.status == "fail" and "1 of 3" in result.summary, result.summary
    findings = [f for f in scan_tree(tmp_path, select=["capacity-limits"]).findings]
    assert [(f.path, f.line) for f in findings] == [("chart/values.yaml", 3)]
    assert "'app'" in findings[0].message and "'worker'" in findings[0].message


# -- reusable workflows: local ones are read, remote ones are not guessed ------------------------------

@pytest.mark.parametrize("uses", [
    "acme/ci/.github/workflows/sast.yml@main",  # such a workflow may run only container and IaC scans
    "acme/ssdlc-actions/.github/workflows/code-security-analysis.yml@v1.2",
])
def test_a_remote_reusable_workflow_is_not_credited_by_its_name(tmp_path: Path, uses: str) -> None:
    ci = f"on: [pull_request]\njobs:\n  scan:\n    permissions:\n      security-events: write\n    uses: {uses}\n"
    result = run(tmp_path, "sast-in-ci", {".github/workflows/security.yml": ci})
    assert result.status == "fail", (uses, result.summary)


def test_a_local_workflow_called_sast_is_judged_by_its_steps(tmp_path: Path) -> None:
    caller = "on: [pull_request]\njobs:\n  sast:\n    uses: ./.github/workflows/sast.yml\n    secrets: inherit\n"
    snyk_only = ("on:\n  workflow_call: {}\njobs:\n  scan:\n    runs-on: ubuntu-latest\n    steps:\n"
                 "      - uses: snyk/actions/docker@master\n        with:\n          image: app:latest\n"
                 "      - uses: snyk/actions/iac@master\n")
    result = run(tmp_path / "snyk", "sast-in-ci", {".github/workflows/pr.yml": caller, ".github/workflows/sast.yml": snyk_only})
    assert result.status == "fail", result.summary
    bandit = snyk_only.replace("      - uses: snyk/actions/iac@master\n", "      - run: bandit -r app -ll\n")
    result = run(tmp_path / "bandit", "sast-in-ci", {".github/workflows/pr.yml": caller, ".github/workflows/sast.yml": bandit})
    assert result.status == "pass" and "bandit" in result.summary, result.summary


def test_nested_reusable_workflows_get_their_own_inputs(tmp_path: Path) -> None:
    make = ("on:\n  workflow_call:\n    inputs:\n      make:\n        type: string\njobs:\n  make:\n    runs-on: ubuntu-latest\n"
            "    steps:\n      - uses: actions/checkout@v4\n      - run: make ${{ inputs.make }}\n")
    lint = ("on:\n  workflow_call:\njobs:\n  black:\n    uses: ./.github/workflows/make.yml\n    with:\n      make: checkblack\n"
            "  ruff:\n    uses: ./.github/workflows/make.yml\n    strategy:\n      matrix:\n        python: ['3.10', '3.12']\n"
            "    with:\n      make: checkruff\n      python-version: ${{ matrix.python }}\n")
    ci = "on: [push, pull_request]\njobs:\n  lint:\n    uses: ./.github/workflows/lint.yml\n"
    files = {".github/workflows/make.yml": make, ".github/workflows/lint.yml": lint,
             "Makefile": "checkblack:\n\tuv run black --check .\n\ncheckruff:\n\tuv run ruff check .\n"}
    result = run(tmp_path / "a", "lint-enforced-in-ci", {**files, ".github/workflows/ci.yml": ci})
    assert result.status == "pass", result.summary
    assert any(e.path == "Makefile" and "ruff" in e.message for e in result.evidence)
    never_called = run(tmp_path / "b", "lint-enforced-in-ci", files)  # lint.yml only runs when called
    assert never_called.status == "fail"
