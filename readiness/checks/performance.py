"""Performance checks: load tests, benchmarks and container capacity limits."""

from __future__ import annotations

import re
from typing import Any, Mapping

from readiness.checks.agents import Equivalent
from readiness.checks.base import Check, Collected, Example, Verdict
from readiness.file_facts import TextFact
from readiness.lazy_regex import lazy_compile
from readiness.measures import NotApplicable, Presence, Share
from readiness.model import Evidence, Finding
from readiness.paths import is_test_path
from readiness.project import Project
from readiness.repo_files import describe_problems, describe_unrendered, repo_files
from readiness.roles import GENERATED, LOADTEST, SERVICE, TEST, path_role

_K6_RE = lazy_compile(r"""(?:from\s+|require\(\s*)['"]k6(?:/http)?['"]""")
_BENCH_DIRS = {"bench", "benches", "benchmark", "benchmarks", "perf", "performance"}
FEATURE_NAMES = frozenset({"perf", "performance"})  # also a service feature's package name (treeherder/perf/)
_BENCH_NAME_RE = lazy_compile(r"(^bench_\w*|_bench|^benchmarks?(_\w+)?)\.py$")
_PYTEST_BENCHMARK_RE = lazy_compile(r"def\s+test_\w*\s*\([^)]*\bbenchmark\b|@pytest\.mark\.benchmark\b")
_LOAD_RUN_RE = lazy_compile(r"(?<![\w-])(locust|k6|artillery|jmeter|gatling)(?![\w-])")


# HTTP load generators run against a URL from CI, a script or a make target (also as a container image:
# ``docker run ghcr.io/x/hey -z 2s http://localhost:8080/alert``). A bare ``hey`` or ``ab`` word is not one.
_LOAD_CLI_RE = lazy_compile(
    r"(?:^|[\s/])(hey|wrk2?|oha|bombardier|siege|ab)\s+(?:[^|;&\n]*\s)?-[a-zA-Z]+[^|;&\n]*https?://\S+"
    r"|\b(vegeta)\s+attack\b"
)


def _load_generator_runs(project: Project) -> list[Evidence]:
    repo = repo_files(project)
    commands = [*repo.ci_commands(), *(c for cmds in repo.scripts.values() for c in cmds),
                *(c for cmds in repo.make_targets.values() for c in cmds)]
    found = []
    for command in commands:
        match = _LOAD_CLI_RE.search(command.text)
        if match and not is_test_path(command.path):
            tool = match.group(1) or match.group(2)
            found.append(Evidence(f"load generated with {tool} ({command.origin})", command.path, command.line))
    return found


# A harness a team wrote itself: a folder named for load or stress testing that holds code. A bare
# ``load`` folder is not one (data loading, config loading).
_HARNESS_DIR_RE = lazy_compile(r"^(load|stress|soak)[-_]?test(s|ing)?$|^loadtests?$|^stresstests?$", re.IGNORECASE)
_HARNESS_CODE = (".py", ".go", ".js", ".ts", ".sh", ".rs", ".java")
# Inside a test folder a shorter name says the same: tests/stress/, tests/load/.
_TEST_DIRS = frozenset({"tests", "test"})
_UNDER_TESTS = frozenset({"stress", "load", "soak"})


def _custom_harnesses(project: Project) -> list[Evidence]:
    folders: dict[str, str] = {}
    for rel in project.files:
        *parts, name = rel.split("/")
        if not name.endswith(_HARNESS_CODE):
            continue
        for depth, part in enumerate(parts):
            if _HARNESS_DIR_RE.match(part) or (depth and parts[depth - 1].lower() in _TEST_DIRS
                                               and part.lower() in _UNDER_TESTS):
                folders.setdefault("/".join(parts[:depth + 1]), rel)
                break
    return [Evidence("load or stress test harness", rel) for rel in sorted(folders.values())]


def find_load_tests(project: Project) -> tuple[Evidence, ...]:
    """Locust, k6, Artillery, JMeter and Gatling load tests, HTTP load generators run against a URL, and
    a team's own load or stress harness in a folder named for it; once per scan (load-tests and test-suites ask)."""
    return project.tool("load_tests", _find_load_tests)


def _find_load_tests(project: Project) -> tuple[Evidence, ...]:
    found: list[Evidence] = _load_generator_runs(project)
    for rel in project.files_importing("locust"):
        found.append(Evidence("Locust load test", rel))
    for rel in project.glob("**/locustfile.py"):
        if not any(e.path == rel for e in found):
            found.append(Evidence("Locust load test", rel))
    for rel, text in project.texts(project.glob("**/*.js", "**/*.mjs", "**/*.ts")):
        if "k6" in text and _K6_RE.search(text):
            found.append(Evidence("k6 load test", rel))
    for rel in project.glob("**/*.yml", "**/*.yaml"):
        text = project.read_text(rel)
        if text is None or "scenarios" not in text or "config" not in text:
            continue
        docs, _error = project.yaml_documents(rel)
        if any(_is_artillery(doc) for doc in docs):
            found.append(Evidence("Artillery load test", rel))
    for rel, text in project.texts(project.glob("**/*.jmx")):
        if "jmeterTestPlan" in text:
            found.append(Evidence("JMeter test plan", rel))
    for rel, text in project.texts(project.glob("**/*Simulation.scala", "**/*Simulation.java", "**/*Simulation.kt")):
        if "io.gatling" in text:
            found.append(Evidence("Gatling simulation", rel))
    if not found:
        found = _custom_harnesses(project)
    return tuple(sorted(found))


def _is_artillery(doc: Any) -> bool:
    if not isinstance(doc, dict):
        return False
    config = doc.get("config")
    return isinstance(config, dict) and "target" in config and isinstance(doc.get("scenarios"), list)


class LoadTests(Check):
    id = "load-tests"
    category = "performance"
    severity = "high"
    effort = "2-3d"
    title = "Load tests"
    rationale = (
        "Without a load test nobody knows how many requests per second the service takes before "
        "latency climbs or it falls over; the first load test becomes the launch day."
    )
    remediation = (
        "Write a load test for the main user journeys (Locust `locustfile.py`, a k6 script, or an "
        "Artillery YAML scenario), keep it in the repository and run it against a staging environment "
        "before releases."
    )
    scoring = (
        "Presence: 100% with a Locust, k6, Artillery, JMeter or Gatling load test in the repository, or an "
        "HTTP load generator (hey, wrk, oha, bombardier, siege, ab, vegeta) that CI, a script or a make "
        "target runs against a URL; failing those, a team's own harness: code in a folder named for load or "
        "stress testing (`stress_testing/`, `load-tests/`, `loadtest/`, `tests/stress/`)."
    )
    examples = (
        Example({
            "app/main.py": "x = 1\n",
            "loadtests/locustfile.py": (
                "from locust import HttpUser, task\n\nclass Shopper(HttpUser):\n    @task\n"
                "    def orders(self):\n        self.client.get('/api/v1/orders')\n"
            ),
        }, status="pass"),
        Example({
            "app/main.py": "x = 1\n",
            "load/orders.js": "import http from 'k6/http';\nexport default function () { http.get('https://staging/'); }\n",
        }, status="pass", note="a k6 script"),
        Example({
            "app/main.py": "x = 1\n",
            "load/orders.yml": "config:\n  target: https://staging.example.com\n  phases: [{duration: 60, arrivalRate: 5}]\n"
                               "scenarios:\n  - flow:\n      - get: {url: /orders}\n",
        }, status="pass", note="an Artillery scenario"),
        Example({
            "app/main.py": "x = 1\n",
            "static/app.js": "// uses k6 colours for charts\nimport chart from './chart';\n",
            "docs/perf.md": "We should try locust some day.\n",
        }, status="fail", note="mentions are not load tests"),
        Example({
            "app/main.py": "x = 1\n",
            "tools/stress_testing/README.md": "Start 500 clients against a staging server.\n",
            "tools/stress_testing/connect_all.go": "package main\n\nfunc main() {}\n",
        }, status="pass", note="a stress harness the team wrote, in a folder named for it"),
        Example({
            "app/main.py": "x = 1\n",
            "tests/stress/test_workflows.py": "import asyncio\n\n\nasync def test_many_runs(client):\n"
                                              "    await asyncio.gather(*(client.run() for _ in range(500)))\n",
        }, status="pass", note="stress tests in their own folder of the test suite"),
        Example({
            "app/main.py": "x = 1\n",
            "app/load/config_loader.py": "def load(path):\n    return open(path).read()\n",
            "tests/load_test_data.json": "{}\n",
        }, status="fail", note="a folder named load (loading data) and a data file are not a load test"),
    )
    equivalents = (
        Equivalent("import", ("locust",), True, "a Locust load test"),
        Equivalent("file", ("k6 script", "Artillery scenario", "JMeter .jmx plan", "Gatling simulation"), True,
                   "a load-testing tool's test"),
        Equivalent("call", ("hey", "wrk", "oha", "bombardier", "siege", "ab", "vegeta attack"), True,
                   "an HTTP load generator run against a URL from CI, a script or a make target"),
        Equivalent("file", ("stress_testing/", "load-tests/", "loadtest/", "tests/stress/"), True,
                   "a team's own load or stress harness: code in a folder named for it"),
        Equivalent("file", ("load/", "loaders/"), False, "a folder named for loading data or configuration"),
        Equivalent("file", ("docs mentioning locust or k6",), False, "a mention is not a load test"),
    )

    def evaluate(self, project: Project, collected: Collected, options: Mapping[str, Any]) -> Verdict:
        if not project.python_files:
            return Verdict(NotApplicable("no Python service to load-test"))
        found = find_load_tests(project)
        evidence = list(found)
        in_ci = [c for c in repo_files(project).ci_commands() if c.text and _LOAD_RUN_RE.search(c.text)]
        if in_ci:
            evidence.append(Evidence("load test run in CI", in_ci[0].path, in_ci[0].line))
        if found:
            kinds = sorted({e.message for e in found})
            summary = f"{len(found)} load test file(s): {', '.join(kinds)}" + ("; run in CI" if in_ci else "")
        else:
            summary = "no load tests (Locust, k6, Artillery, JMeter or Gatling) found"
        return Verdict(Presence(bool(found), "a load test"), summary, tuple(evidence))


def find_benchmarks(project: Project) -> list[Evidence]:
    found: list[Evidence] = []
    if "asv.conf.json" in project.files or project.glob("**/asv.conf.json"):
        found.append(Evidence("asv benchmark suite", project.glob("**/asv.conf.json")[0]))
    for rel in project.files_importing("pytest_benchmark", "pyperf", "pytest_codspeed"):
        found.append(Evidence("benchmark library used", rel))
    load = {e.path for e in find_load_tests(project)}
    for rel in project.python_files:
        if any(e.path == rel for e in found):
            continue
        *folders, name = rel.split("/")
        role = project.file_roles.get(rel) or path_role(rel)
        if role == LOADTEST or rel in load:
            continue  # a Locust file under tests/performance/ is a load test (load-tests), not a benchmark
        if role == GENERATED:
            continue  # a vendored dependency's own benchmark (lib/cherrypy/test/benchmark.py)
        in_bench_dir = any(part in _BENCH_DIRS - FEATURE_NAMES or (part in FEATURE_NAMES and role != SERVICE)
                           for part in folders)  # app/perf/: the service's own package for a feature named perf
        if in_bench_dir or (_BENCH_NAME_RE.search(name) and role != SERVICE):
            # tests/perf/test_stats.py beside a service package perf/: tests of a feature named perf, unless they time
            if role != TEST or project.text_fact("times-something", rel, _times_something):
                found.append(Evidence("benchmark script", rel))  # not the service's own timing helper (util/benchmark.py)
                continue
        if is_test_path(rel) and project.text_fact("pytest-benchmark", rel, _pytest_benchmark):
            found.append(Evidence("pytest-benchmark test", rel))
    return sorted(found)


_TIMES = lazy_compile(r"\btimeit\b|\bperf_counter\b|\btime\.time\(|\bmonotonic\(|\bbenchmark\b|\bpyperf\b")


def _times_something(text: str) -> bool:
    return _TIMES.search(text) is not None


def _pytest_benchmark(text: str) -> bool:
    return "benchmark" in text and _PYTEST_BENCHMARK_RE.search(text) is not None


class PerformanceBenchmarks(Check):
    id = "performance-benchmarks"
    text_facts = (TextFact("pytest-benchmark", _pytest_benchmark, lambda rel: rel.endswith(".py") and is_test_path(rel)),)
    category = "performance"
    severity = "medium"
    effort = "1-2d"
    title = "Performance benchmarks"
    rationale = (
        "Benchmarks of the hot paths (serialisation, queries, pricing rules) catch a change that "
        "makes them ten times slower before it reaches production, where it shows up as a latency "
        "incident."
    )
    remediation = (
        "Add benchmarks for the hot paths: pytest-benchmark tests (`def test_x(benchmark)`), an asv "
        "suite, or scripts under `bench/`; compare results between releases."
    )
    scoring = "Presence: 100% with pytest-benchmark or pytest-codspeed tests, an asv suite, pyperf, or a bench/ directory."
    examples = (
        Example({"app/perf/stats.py": "def mean(xs):\n    return sum(xs) / len(xs)\n",
                 "tests/perf/test_stats.py": "from app.perf.stats import mean\n\n\ndef test_mean():\n    assert mean([1, 3]) == 2\n"},
                status="fail", note="tests of the service's perf package are unit tests, not benchmarks"),
        Example({
            "app/pricing.py": "def total(items):\n    return sum(items)\n",
            "tests/test_perf.py": "from app.pricing import total\n\ndef test_total_speed(benchmark):\n"
                                  "    benchmark(total, list(range(1000)))\n",
        }, status="pass"),
        Example({
            "app/pricing.py": "def total(items):\n    return sum(items)\n",
            "bench/run.py": "import timeit\nfrom app.pricing import total\n",
        }, status="pass", note="a bench/ directory"),
        Example({
            "app/pricing.py": "def total(items):\n    return sum(items)\n",
            "tests/test_pricing.py": "def test_total():\n    # benchmark later\n    assert True\n",
        }, status="fail", note="the word alone is not a benchmark"),
        Example({
            "app/pricing.py": "def total(items):\n    return sum(items)\n",
            "app/util/benchmark.py": "import time\n\n\nclass Benchmark:\n    def start(self):\n"
                                     "        self.t0 = time.perf_counter()\n",
            "tests/performance/api_write_test.py": "from locust import HttpUser, task\n\n\nclass Writer(HttpUser):\n"
                                                   "    @task\n    def create(self):\n        self.client.post('/api/')\n",
        }, status="fail", note="the service's own timing helper and a Locust load test are no benchmarks"),
    )

    def evaluate(self, project: Project, collected: Collected, options: Mapping[str, Any]) -> Verdict:
        if not project.python_files:
            return Verdict(NotApplicable("no Python files"))
        found = find_benchmarks(project)
        if found:
            summary = f"{len(found)} benchmark file(s): {', '.join(sorted({e.message for e in found}))}"
        else:
            summary = "no benchmarks (pytest-benchmark, asv, pyperf or a bench/ directory) found"
        return Verdict(Presence(bool(found), "a performance benchmark"), summary, tuple(found))


class CapacityLimits(Check):
    id = "capacity-limits"
    category = "performance"
    severity = "high"
    effort = "0.5d"
    title = "Container resource requests and limits"
    rationale = (
        "A container without requests is scheduled blind and evicted first under pressure; one "
        "without limits can take the node's memory and CPU from its neighbours. Capacity planning "
        "starts with every container declaring both."
    )
    remediation = (
        "Set `resources.requests` (cpu, memory) and `resources.limits` (at least memory) on every "
        "container of every Deployment, StatefulSet, DaemonSet, Job and CronJob, and fill the "
        "`resources:` blocks of Helm values instead of leaving them `{}`."
    )
    scoring = (
        "Share: containers (and Helm values `resources` blocks) that set both requests and limits (limits alone "
        "count: Kubernetes copies them as the requests), "
        "and platform services sized with both cpu and memory (ECS task definitions in JSON or "
        "Terraform, Azure Container Apps, Cloud Run, App Service plans, compose `deploy.resources` in "
        "a file that sizes services, fly.toml machines, Render service plans, Cloud Foundry app memory, App Engine instance classes or "
        "resources), of all found; n/a without any of them. A Helm chart is judged by the containers its "
        "templates render from the default values; a container sized by `toYaml .Values.x.resources` is "
        "reported at that values block, and an empty values block no rendered template reads (a component "
        "disabled by default) is still a finding. Manifests among tests, fixtures, examples and vendored "
        "code describe no deployment and are not counted."
    )
    examples = (
        Example({
            "app/main.py": "x = 1\n",
            "deploy/api.yaml": (
                "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\nspec:\n  template:\n    spec:\n"
                "      containers:\n        - name: api\n          image: api:1\n          resources:\n"
                "            requests: {cpu: 100m, memory: 128Mi}\n            limits: {memory: 256Mi}\n"
            ),
        }, findings=0, status="pass"),
        Example({
            "app/main.py": "x = 1\n",
            "deploy/api.yaml": (
                "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\nspec:\n  template:\n    spec:\n"
                "      containers:\n        - name: api\n          image: api:1\n          resources:\n"
                "            requests: {cpu: 100m, memory: 128Mi}\n            limits: {memory: 256Mi}\n"
                "        - name: proxy\n          image: envoy\n"
                "---\napiVersion: v1\nkind: Service\nmetadata: {name: api}\nspec: {ports: [{port: 80}]}\n"
            ),
        }, findings=1, lines=(13,), status="fail", note="multi-document: the sidecar has none"),
        Example({
            "app/main.py": "x = 1\n",
            "k8s.yaml": (
                "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\nspec:\n  template:\n    spec:\n"
                "      containers:\n        - name: api\n          image: api:1\n          resources:\n"
                "            limits: {cpu: 500m, memory: 1Gi}\n"
            ),
        }, findings=0, status="pass", note="limits alone: Kubernetes requests what the limits allow"),
        Example({
            "app/main.py": "x = 1\n",
            "manifests/manifest_api_prod.yml": "---\napplications:\n  - name: api\n    instances: 4\n    memory: 2G\n"
                                               "    disk_quota: 1G\n",
        }, findings=0, status="pass", note="a Cloud Foundry manifest sets each app's memory, and with it its CPU share"),
        Example({
            "app/main.py": "x = 1\n",
            "chart/Chart.yaml": "apiVersion: v2\nname: api\nversion: 0.1.0\n",
            "chart/values.yaml": "image: api\nresources: {}\n",
        }, findings=1, lines=(2,), status="fail", note="Helm's default empty resources block"),
        Example({
            "app/main.py": "x = 1\n",
            "infra/ecs-task-definition-web.json": (
                '{"family": "web", "cpu": "1024", "memory": "2048",\n'
                ' "containerDefinitions": [{"name": "web", "image": "web:1"}]}\n'
            ),
        }, findings=0, status="pass", note="an ECS task definition sized for Fargate"),
        Example({
            "app/main.py": "x = 1\n",
            "infra/app.tf": (
                'resource "azurerm_container_app" "web" {\n  template {\n    container {\n'
                '      name  = "web"\n      image = "web:1"\n      cpu   = 0.5\n      memory = "1Gi"\n'
                '    }\n  }\n}\n'
            ),
        }, findings=0, status="pass", note="Terraform container sizes"),
        Example({"app/main.py": "x = 1\n", "config.yaml": "debug: false\n"}, status="n/a", note="no manifests"),
        Example({"app/main.py": "x = 1\n",
                 "packages/shop-benchmark/docker-compose.pgdog.yml": (
                     "services:\n  pgdog:\n    image: pgdog\n    deploy:\n      resources:\n"
                     "        limits: {cpus: '2', memory: 1G}\n  runner:\n    image: bench\n")},
                status="n/a", note="the stack a benchmark brings up for itself is not the service's deployment"),
        Example({"app/main.py": "x = 1\n",
                 "Ctl/dev/docker-compose.yml": "services:\n  web:\n    build: ../..\n  search:\n    image: elasticsearch:9\n"
                                               "    deploy:\n      resources:\n        limits: {memory: 2048M}\n"},
                status="n/a", note="the stack a developer brings up locally is not the service's deployment"),
        Example({"app/__init__.py": "", "app/main.py": "x = 1\n", "app/providers/__init__.py": "",
                 "app/providers/graylog/__init__.py": "", "app/providers/graylog/provider.py": "x = 1\n",
                 "app/providers/graylog/docker-compose.yml": (
                     "services:\n  mongo:\n    image: mongo:6\n  elasticsearch:\n    image: elasticsearch:7\n"
                     "    deploy:\n      resources:\n        limits: {memory: 1G}\n")},
                status="n/a", note="an integration's own stack kept beside its code is not the service's deployment"),
    )

    def evaluate(self, project: Project, collected: Collected, options: Mapping[str, Any]) -> Verdict:
        repo = repo_files(project)
        broken = describe_problems(p for p in repo.problems if p.path not in repo.ci_files) + describe_unrendered(repo)
        total = len(repo.containers) + len(repo.helm_resources) + len(repo.sizings)
        if total == 0:
            return Verdict(NotApplicable(
                "no Kubernetes manifests, Helm values, ECS task definitions, Terraform container sizes, "
                "sized compose services or fly.toml machines found" + broken))
        findings: list[Finding] = []
        evidence: list[Evidence] = []
        good = 0
        from_values: dict[tuple[str, int], list[str]] = {}  # one values block that sizes several containers: one finding
        for c in repo.containers:
            # Kubernetes gives a container with limits and no requests requests equal to its limits
            requests = c.requests or c.limits
            missing = [part for part, present in (("requests", requests), ("limits", c.limits)) if not present]
            if missing and c.values_ref[0]:
                from_values.setdefault(c.values_ref, []).append(
                    f"'{c.name}' of {c.workload} ({c.path}:{c.line}) sets no resource {' or '.join(missing)}")
            elif missing:
                findings.append(Finding(c.path, c.line, 1, self.id,
                                        f"container '{c.name}' of {c.workload} sets no resource {' or '.join(missing)}"))
            else:
                good += 1
                evidence.append(Evidence(f"container '{c.name}' of {c.workload} sets requests and limits", c.path, c.line))
        for (path, line), problems in sorted(from_values.items()):
            findings.append(Finding(path, line, 1, self.id,
                                    "the values block these containers render their resources from is incomplete: container "
                                    + "; container ".join(problems)))
        for h in repo.helm_resources:
            missing = [part for part, present in (("requests", h.has_requests or h.has_limits), ("limits", h.has_limits))
                       if not present]
            if missing:
                findings.append(Finding(h.path, h.line, 1, self.id, f"Helm values `{h.key}` set no {' or '.join(missing)}"))
            else:
                good += 1
                evidence.append(Evidence(f"Helm values `{h.key}` set requests and limits", h.path, h.line))
        for z in repo.sizings:
            missing = [part for part, value in (("cpu", z.cpu), ("memory", z.memory)) if not value]
            if missing:
                findings.append(Finding(z.path, z.line, 1, self.id,
                                        f"{z.platform} '{z.name}' declares no {' or '.join(missing)}"))
            else:
                good += 1
                evidence.append(Evidence(f"{z.platform} '{z.name}' sized: cpu {z.cpu}, memory {z.memory}", z.path, z.line))
        summary = f"{good} of {total} containers set resource requests and limits" + broken
        return Verdict(Share(good, total, "containers", "set requests and limits"), summary, tuple(evidence), tuple(findings))


CHECKS: list[type[Check]] = [LoadTests, PerformanceBenchmarks, CapacityLimits]
