"""Security audit checks: SAST findings, dependency scanning, SAST and DAST in CI."""

from __future__ import annotations

import ast
import configparser
import json
import re
import sys
from pathlib import PurePosixPath
from typing import Any, Mapping

from readiness.cache import Cache
from readiness.checks.base import Check, Collected, Example, Verdict
from readiness.checks.ci_lint import lint_runs
from readiness.lazy_regex import lazy_compile
from readiness.measures import Density, Errored, NotApplicable, Presence
from readiness.model import Evidence, Finding, Severity
from readiness.paths import is_application_path
from readiness.project import Project
from readiness.repo_files import Command, RepoFiles, programs, repo_files
from readiness.roles import SERVICE_ONLY, cli_support
from readiness.tools.pyast import is_main_guard
from readiness.tools.sast_context import CLEARED_BY, cleared, marked_for_ruff

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

_LEVELS = {"LOW": 1, "MEDIUM": 2, "HIGH": 3}
# bandit tests whose problem another check owns with a closer look at the code: hardcoded
# passwords (B105-B107) are hardcoded-secret's, which tells a password from a field name; an
# except that passes or continues (B110, B112) is swallowed-exception's, which tells a swallowed
# error (broad, unlogged, unexplained) from a narrow or deliberate one.
_OWNED_ELSEWHERE = {"B105": "hardcoded-secret", "B106": "hardcoded-secret", "B107": "hardcoded-secret",
                    "B110": "swallowed-exception", "B112": "swallowed-exception"}
# Import warnings ("consider possible security implications" of importing pickle, subprocess, xml.etree...)
# whose dangerous uses bandit reports at each call (B301 pickle.loads, B602-B607 subprocess, B313-B319 XML
# parsers): the import adds nothing but a second finding about the same module.
_IMPORT_WARNINGS = frozenset({"B401", "B402", "B403", "B404", "B405", "B406", "B407", "B408", "B409"})
# A process started without a shell (B603 subprocess, B606 os.exec*/spawn*, B607 a program found through
# PATH): no argument is read as shell syntax, and the PATH is the operator's, so whoever could change it
# runs code already. A command a shell reads stays (B602, B605).
_NO_SHELL = frozenset({"B603", "B606", "B607"})
# Development-runner findings (bind to all interfaces, Flask debug=True) that only matter when
# they run in production: inside ``if __name__ == "__main__":`` they run on a developer's machine.
_DEV_RUNNER_TESTS = frozenset({"B104", "B201"})


# The service runs in a container: its server must bind every interface of the container (B104).
_CONTAINER_FILES = ("Dockerfile", "**/Dockerfile", "**/Dockerfile.*", "**/*.Dockerfile", "Containerfile",
                    "**/Containerfile")
_CONTAINED = frozenset({"B104", "B108"})  # its interfaces and its /tmp are the image's
_MANIFESTS = ("**/requirements*.txt", "**/requirements*.in", "**/pyproject.toml", "setup.py", "setup.cfg", "Pipfile")
_PYCRYPTODOME = re.compile(r"\bpycryptodomex?\b", re.IGNORECASE)


def _declares_pycryptodome(project: Project) -> bool:
    """B413 flags ``import Crypto`` as the dead pycrypto; pycryptodome, maintained, installs the same package."""
    return any(_PYCRYPTODOME.search(project.read_text(rel) or "") for rel in project.glob(*_MANIFESTS))


def _installed_commands(project: Project) -> str:
    """The packaging files' text, where installed commands are named (``app = "app.run:main"``); read once per scan."""
    return str(project.tool("packaging-text", lambda p: " ".join(
        p.read_text(f) or "" for f in ("pyproject.toml", "setup.cfg", "setup.py"))))


def _main_guard_lines(project: Project, path: str) -> set[int]:
    text = project.read_text(path)
    if not text or "__main__" not in text:
        return set()
    try:
        tree = ast.parse(text.removeprefix("\ufeff"))
    except (SyntaxError, ValueError, RecursionError):
        return set()
    lines: set[int] = set()
    called: set[str] = set()
    for stmt in tree.body:
        if is_main_guard(stmt):
            lines.update(range(stmt.lineno, (stmt.end_lineno or stmt.lineno) + 1))
            called |= {n.func.id for n in ast.walk(stmt) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
    # def main(): app.run(debug=True), called only by the guard (not elsewhere, not an installed command)
    elsewhere = {n.id for stmt in tree.body if not is_main_guard(stmt) for n in ast.walk(stmt) if isinstance(n, ast.Name)}
    declared = _installed_commands(project)
    for stmt in tree.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and stmt.name in called \
                and stmt.name not in elsewhere and f":{stmt.name}" not in declared:
            lines.update(range(stmt.lineno, (stmt.end_lineno or stmt.lineno) + 1))
    return lines
_BANDIT_SEVERITY: dict[str, Severity] = {"LOW": "low", "MEDIUM": "medium", "HIGH": "high"}



def run_bandit(project: Project, cache: Cache | None = None) -> Any:
    """bandit over the project (``readiness.tools.bandit_runner``), loaded only when the engine runs."""
    from readiness.tools.bandit_runner import run_bandit as run

    return run(project, cache)

class SastFindings(Check):
    id = "sast-findings"
    category = "security-audit"
    severity = "high"
    effort = "1-3d"
    title = "SAST findings (bandit)"
    roles_note = SERVICE_ONLY
    tools = {"bandit": run_bandit}
    engine_severity = True  # each finding keeps bandit's severity (a LOW one stays low)
    rationale = (
        "bandit finds the classic Python security mistakes: shell injection through subprocess, "
        "unsafe deserialisation (pickle, yaml.load), weak hashes, disabled TLS verification, "
        "hard-coded passwords. Each is a door an attacker only has to find once."
    )
    remediation = (
        "Fix each finding (use `subprocess.run([...])` without `shell=True`, `yaml.safe_load`, "
        "`hashlib.sha256`, keep `verify=True`), or mark a reviewed false positive with "
        "`# nosec B603` and a reason."
    )
    scoring = (
        "Density: bandit findings in the service's code weighted by severity "
        "(`weights`, default HIGH 10, MEDIUM 3, LOW 1) per 1 000 lines bandit counted; 0% at "
        "`zero_at` (default 20). Hardcoded-password tests (B105-B107) are left to hardcoded-secret, and "
        "try/except/pass or continue (B110, B112) to swallowed-exception; "
        "a development runner under `if __name__ == \"__main__\":` (or a function only it calls) may bind all interfaces "
        "and debug (B104, B201), and "
        "so may a service that runs in a container (B104), whose /tmp is its own (B108). A process started "
        "without a shell (B603, B606, B607: no argument is read as shell syntax, and PATH is the operator's) is "
        "left out; a command a shell reads stays (B602, B605). An import warning (B401-B409: pickle, subprocess, "
        "xml.etree...) is left out: bandit judges each dangerous use at its call. "
        "Cleared when the code shows the finding is none: SQL interpolating only constants, schema metadata, "
        "names quoted by the database (`quote_name`), or, where a value goes (in quotes, after a comparison), only "
        "those; a table or column name, a list of placeholders or a clause built in the code elsewhere in it, "
        "counts and the ORM's compiled clauses, a list of placeholders joined, a class's constant, a table's name "
        "the client did not send where only a table name goes, arithmetic where a value goes (B608), also through "
        "the ORM's `extra()` and `RawSQL` (B610, B611); "
        "random for a jitter, a coin flip or a choice among what exists (not characters), not a token, key, code or "
        "identifier (B311); a remote command of constants "
        "only (B601); a shell command written whole as one literal (B602, B605); "
        "mark_safe/Markup over a literal, escaped text (also by a helper the module defines, or just before), counts and "
        "row keys, a Django template or form widget rendered (B308, B703, B704); yaml.load with a loader class "
        "derived from SafeLoader (B506); a weak hash named for a cache key or a name, or handed to a cache, "
        "ETag, version or id and nothing secret, a key made in a module or package named for a cache, a digest of "
        "fresh random bytes, a digest made a number modulo n (a bucket) not named for a secret (B324); a Hugging "
        "Face download not pinned to a commit that runs none of the repository's code: a tokenizer, processor or "
        "config, a model from a local directory, a dataset's files, unless `trust_remote_code` may be true (B615); "
        "SHA-1 or MD5 as an HMAC's digest (B303); an assert that "
        "guards nothing: a type narrowed for a "
        "type checker, an invariant of the code, a parameter held to literal choices, anything under "
        "`if TYPE_CHECKING:`, a predicate such as `is_ip_address(ip)` (B101; an assert standing in for an access check, "
        "on a name whose words grant such as `is_staff`, `can_edit` or `owner`, or on what the client sent, stays); `import Crypto` "
        "when the project depends on the maintained pycryptodome (B413). A statement marked with ruff's noqa for "
        "the same rule "
        "(`# noqa: S608` for B608; S308 for Django's mark_safe, B308 and B703) was already judged by the team and "
        "is not counted."
    )
    options = {"weights": {"HIGH": 10, "MEDIUM": 3, "LOW": 1}, "zero_at": 20.0,
               "min_severity": "LOW", "min_confidence": "LOW"}
    examples = (
        Example({"app/hashing.py": "import hashlib\n\ndef sign(secret, payload):\n    return hashlib.md5(secret + payload).hexdigest()\n"},
                findings=1, lines=(4,), note="B324: a weak hash signing a payload (high severity)"),
        Example({"app/hashing.py": "import hashlib\n\ndef digest(data):\n    return hashlib.md5(data).hexdigest()\n"},
                findings=0, status="pass", note="B324: a bare digest protects nothing; a collision costs no access"),
        Example({"app/privacy.py": "import hashlib\n\ndef mask_ip(ip):\n    return hashlib.md5(ip.encode()).hexdigest()\n"},
                findings=1, lines=(4,), note="B324: an address masked for privacy by an unsalted MD5 is easily reversed"),
        Example({"app/keys.py": "import hashlib\n\ndef api_key(user):\n    return hashlib.sha1(user.email.encode()).hexdigest()\n"},
                findings=1, lines=(4,), note="B324: a key that is no cache key, made with SHA-1 from what others know"),
        Example({"app/etag.py": "import hashlib\n\ndef etag(data):\n    return hashlib.md5(data, usedforsecurity=False).hexdigest()\n"},
                findings=0, status="pass", note="md5 declared as not for security"),
        Example({"app/hashing.py": "import hashlib\n\ndef digest(data):\n    return hashlib.sha256(data).hexdigest()\n"},
                findings=0, status="pass"),
        Example({"app/load.py": "import yaml\n\ndef load(text):\n    return yaml.load(text)\n"}, findings=1, lines=(4,)),
        Example({"app/load.py": "import yaml\n\n\nclass Quoted(yaml.CSafeLoader):\n    pass\n\n\n"
                                "def load(text):\n    return yaml.load(text, Loader=Quoted)\n"},
                findings=0, status="pass", note="B506: the module's loader derives from PyYAML's SafeLoader"),
        Example({"tests/test_x.py": "def test_x():\n    assert 1 + 1 == 2\n", "app/x.py": "X = 1\n"},
                findings=0, status="pass", note="asserts in tests are not findings"),
        Example({"README.md": "# nothing\n"}, status="n/a"),
        Example({"app/auth.py": 'TOKEN_TYPE = "bearer"\n\ndef login(password):\n    return password == "letmein!"\n'},
                findings=0, status="pass", note="hardcoded passwords are hardcoded-secret's findings (B105)"),
        Example({"app/cleanup.py": "def close(pipe):\n    try:\n        pipe.close()\n    except OSError:\n        pass\n"},
                findings=0, status="pass", note="an except that passes is swallowed-exception's to judge (B110)"),
        Example({"app/hashing.py": "X = 1\n",
                 "app/migrations/0003_fingerprint.py": "import hashlib\n\ndef fp(data):\n    return hashlib.md5(data).hexdigest()\n"},
                findings=0, status="pass", note="migrations are not the running service"),
        Example({"app/server.py": 'from flask import Flask\n\napp = Flask(__name__)\n\nif __name__ == "__main__":\n'
                                  '    app.run(host="0.0.0.0", debug=True)\n'},
                findings=0, status="pass", note="a development runner in the main guard"),
        Example({"app/server.py": 'from flask import Flask\n\napp = Flask(__name__)\napp.run(host="0.0.0.0", debug=True)\n'},
                findings=2, lines=(4, 4), note="the same at import time runs in production"),
        Example({"app/run.py": 'from flask import Flask\n\n\ndef create_app():\n    return Flask(__name__)\n\n\n'
                               'def main():\n    app = create_app()\n    app.run(host="0.0.0.0", debug=True)\n\n\n'
                               'if __name__ == "__main__":\n    main()\n'},
                findings=0, status="pass", note="a development runner only the main guard calls"),
        Example({"app/run.py": 'from flask import Flask\n\n\ndef main():\n    Flask(__name__).run(host="0.0.0.0", debug=True)\n\n\n'
                               'if __name__ == "__main__":\n    main()\n',
                 "pyproject.toml": '[project]\nname = "app"\n\n[project.scripts]\napp = "app.run:main"\n'},
                findings=2, note="the same runner installed as the app command"),
        Example({"app/server.py": 'import uvicorn\n\nHOST = "0.0.0.0"\n\n\ndef serve(app):\n'
                                  '    uvicorn.run(app, host=HOST, port=8000)\n',
                 "Dockerfile": "FROM python:3.12\nCOPY . /app\nCMD [\"python\", \"-m\", \"app.server\"]\n"},
                findings=0, status="pass", note="B104: a containerised server binds every interface of its container"),
        Example({"app/config.py": 'LOCK_FILE = "/tmp/bundles.lock"\n',
                 "Dockerfile": "FROM python:3.12\nCOPY . /app\nCMD [\"python\", \"-m\", \"app\"]\n"},
                findings=0, status="pass", note="B108: in its container, the service's /tmp is its own"),
        Example({"app/sync.py": "import subprocess\n\n\ndef revision():\n"
                                "    return subprocess.run(['git', 'rev-parse', 'HEAD'], check=True).stdout\n",
                 "Dockerfile": "FROM python:3.12\nRUN apt-get install -y git\nCOPY . /app\n"},
                findings=0, status="pass", note="B607: the PATH that finds git is the one the operator sets"),
        Example({"app/forms.py": "from django.template.loader import render_to_string\n"
                                 "from django.utils.safestring import mark_safe\n\n\n"
                                 "def preview(context):\n    return mark_safe(render_to_string('prefs/preview.html', context))\n"},
                findings=0, status="pass", note="mark_safe over a template Django rendered with autoescape"),
        Example({"app/config.py": 'LOCK_FILE = "/tmp/bundles.lock"\n'},
                findings=1, lines=(1,), note="B108: on a shared host, anyone can plant /tmp/bundles.lock first"),
        Example({"app/server.py": 'import uvicorn\n\nHOST = "0.0.0.0"\n\n\ndef serve(app):\n'
                                  '    uvicorn.run(app, host=HOST, port=8000)\n'},
                findings=1, lines=(3,), note="B104: on a host, every interface is exposed"),
        Example({"app/report.py": 'def rows(cursor, status):\n'
                                  '    cursor.execute(f"SELECT * FROM orders WHERE status = \'{status}\'")\n'},
                findings=1, lines=(2,), note="B608: a parameter formatted into SQL"),
        Example({"app/report.py": 'def counts(connection, queryset, project_id):\n'
                                  '    compiler = queryset.query.get_compiler(connection=connection)\n'
                                  '    where_tuple = queryset.query.where.as_sql(compiler, connection)\n'
                                  '    where, params = where_tuple[0], where_tuple[1]\n'
                                  '    sql = "SELECT type_id, count(*) FROM issues WHERE {where} GROUP BY type_id".format(where=where)\n'
                                  '    with connection.cursor() as cursor:\n'
                                  '        cursor.execute(sql, params + [project_id])\n'
                                  '        return cursor.fetchall()\n'},
                findings=0, status="pass", note="B608: the ORM's compiled WHERE clause, its parameters bound apart"),
        Example({"app/report.py": 'async def purge(db, ts):\n    await db.execute(\n'
                                  '        f"""\n        DELETE FROM audit WHERE delete_at < {ts(\'now\')}\n'
                                  '        """,  # noqa: S608\n    )\n'},
                findings=0, status="pass", note="marked with ruff's noqa for the same rule (S608): already judged"),
        Example({"app/widgets.py": "from django.utils.safestring import mark_safe\n\n\ndef badge(html):\n"
                                   "    return mark_safe(html)  # noqa: S308 -- html comes from render_to_string\n"},
                findings=0, status="pass", note="ruff's S308 covers Django's mark_safe: bandit's B308 and B703 alike"),
        Example({"app/export.py": 'from typing import TYPE_CHECKING\n\n\ndef export(doc):\n    if TYPE_CHECKING:\n'
                                  '        assert isinstance(doc, dict)\n    return doc\n'},
                findings=0, status="pass", note="B101: an assert for type checkers only, never run"),
        Example({"app/export.py": 'def export(doc):\n    assert doc["id"]\n    return doc\n'},
                findings=0, status="pass", note="B101: an invariant of the code's own data; -O only moves where a bug shows"),
        Example({"app/sign.py": "from Crypto.Hash import SHA256\n\n\ndef digest(data):\n"
                                "    return SHA256.new(data).hexdigest()\n",
                 "requirements.txt": "pycryptodome==3.20.0\n"},
                findings=0, status="pass", note="B413: Crypto comes from the maintained pycryptodome"),
        Example({"app/invites.py": "import random\n\n\ndef generate_hash():\n    hash_ = random.getrandbits(128)\n"
                                   "    return str(hash_)\n"},
                findings=1, lines=(5,), note="B311: 128 random bits make an unguessable value, whatever the name"),
        Example({"app/sign.py": "from Crypto.Hash import SHA256\n\n\ndef digest(data):\n"
                                "    return SHA256.new(data).hexdigest()\n",
                 "requirements.txt": "pycrypto==2.6.1\n"},
                findings=1, lines=(1,), note="B413: the unmaintained pycrypto"),
        Example({"app/export.py": 'def export(doc, tenant=None):\n    tenant = tenant or doc.tenant\n'
                                  '    assert tenant is not None\n    return tenant.name\n'},
                findings=0, status="pass", note="B101: assert x is not None narrows an optional for a type checker"),
        Example({"app/export.py": 'def export(schema):\n    assert schema.raw is not None, "call open() first"\n'
                                  '    return schema.raw\n'},
                findings=0, status="pass", note="B101: an invariant with its message guards nothing"),
        Example({"app/projects.py": "def attach_roles(queryset):\n    model = queryset.model\n"
                                    "    sql = 'SELECT json_agg(name) FROM roles WHERE roles.project_id = {tbl}.id'\n"
                                    "    sql = sql.format(tbl=model._meta.db_table)\n"
                                    "    return queryset.extra(select={'roles': sql})\n"},
                findings=0, status="pass", note="B610: extra() SQL built from the model's table name only"),
        Example({"app/cache.py": "from django.db import connections\n\n\ndef keys_like(db, table_name, prefix):\n"
                                 "    table = connections[db].ops.quote_name(table_name)\n"
                                 "    with connections[db].cursor() as cursor:\n"
                                 "        cursor.execute(f'SELECT cache_key FROM {table} WHERE cache_key LIKE %s', [prefix + '%'])\n"
                                 "        return cursor.fetchall()\n"},
                findings=0, status="pass", note="B608: a table name the database quotes as a name; the value is bound"),
        Example({"app/cache.py": "class Cache:\n    def get(self, table, key):\n"
                                 "        sql = f'SELECT value, expire FROM {table} WHERE key = ?'\n"
                                 "        return self.db.execute(sql, (key,)).fetchone()\n"},
                findings=0, status="pass", note="B608: a table name the caller gives goes where a name goes; the key is bound"),
        Example({"app/history.py": "def totals(db, group_by, keys, since):\n    marks = ','.join(['?'] * len(keys))\n"
                                   "    query = 'SELECT COUNT(DISTINCT %s) FROM history WHERE stopped >= ? AND key IN (%s)' % (\n"
                                   "        group_by, marks)\n"
                                   "    return db.select(query, args=[since, *keys])\n"},
                findings=0, status="pass", note="B608: a column name and a list of ? marks; every value is bound"),
        Example({"app/db.py": "def call_function(conn, func_name, *args):\n"
                              "    marks = ','.join(['%s'] * len(args))\n"
                              "    return conn.execute(f'SELECT * FROM app.{func_name}({marks})', args).fetchall()\n"},
                findings=0, status="pass", note="B608: a function name and its placeholders; the values go beside the SQL"),
        Example({"app/inspect.py": "from sqlalchemy import text\n\n\ndef functions(conn, schema):\n"
                                   "    schema_filter = f\"AND s.name = '{schema}'\" if schema else ''\n"
                                   "    query = text(f\"SELECT o.name FROM sys.objects o WHERE o.type = 'FN' {schema_filter}\")\n"
                                   "    return conn.execute(query).fetchall()\n"},
                findings=1, lines=(6,), note="B608: the clause it adds quotes a parameter into the SQL as a value"),
        Example({"app/sessions.py": "def end(cursor, user_id):\n"
                                    "    cursor.execute(f'DELETE FROM sessions WHERE user_id = {user_id}')\n"},
                findings=1, lines=(2,), note="B608: a parameter compared as a value, not bound"),
        Example({"app/search.py": "def search(cursor, request):\n"
                                  "    cursor.execute(f\"SELECT * FROM orders WHERE {request.args['where']}\")\n"},
                findings=1, lines=(2,), note="B608: a whole clause the client sent"),
        Example({"app/maintenance.py": "def count_rows(connection, table_name):\n    with connection.cursor() as cursor:\n"
                                       "        cursor.execute(f'SELECT COUNT(*) FROM {table_name}')\n"
                                       "        return cursor.fetchone()[0]\n\n\n"
                                       "def truncate(conn, tables):\n    for table in tables:\n"
                                       "        conn.execute(f'DELETE FROM {table}')\n"},
                findings=0, status="pass", note="B608: a table's name from the code, where only a table's name goes"),
        Example({"app/export.py": "def export(cursor, request):\n    body = request.get_json()\n    table = body['table']\n"
                                  "    cursor.execute(f'SELECT * FROM {table}')\n    return cursor.fetchall()\n"},
                findings=1, lines=(4,), note="B608: a table name the client sent"),
        Example({"app/acl.py": "def principals(conn, bound):\n    params, rows = {}, []\n"
                               "    for i, (obj, perm) in enumerate(bound):\n"
                               "        params[f'obj_{i}'] = obj\n        params[f'perm_{i}'] = perm\n"
                               "        rows.append(f'(:obj_{i}, :perm_{i})')\n"
                               "    query = f\"WITH wanted AS (VALUES {','.join(rows)}) SELECT principal FROM wanted\"\n"
                               "    return conn.execute(query, params)\n",
                 "app/clients.py": "class Client:\n    _columns = 'id, homeserver, device_id'\n\n"
                                   "    @classmethod\n    async def get(cls, db, ident):\n"
                                   "        return await db.fetchrow(f'SELECT {cls._columns} FROM client WHERE id=$1', ident)\n"},
                findings=0, status="pass",
                note="B608: a VALUES list of placeholders the code writes, and a class's constant column list"),
        Example({"app/clients.py": "class Report:\n    _columns = 'id'\n\n    def __init__(self, columns):\n"
                                   "        self._columns = columns\n\n    def rows(self, db):\n"
                                   "        return db.fetch(f'SELECT {self._columns} FROM report')\n"},
                findings=1, lines=(8,), note="B608: a class attribute the constructor replaces with a caller's value"),
        Example({"app/history.py": "\ufeff# -*- coding: utf-8 -*-\nCOLUMNS = 'id, started'\n\n\n"
                                   "def recent(db, since):\n"
                                   "    return db.select('SELECT %s FROM history WHERE started >= ?' % COLUMNS, [since])\n"},
                findings=0, status="pass", note="B608: a file that opens with a byte-order mark is read all the same"),
        Example({"app/stats.py": "import time\n\n\ndef plays(db, days, before=None):\n"
                                 "    since = time.time() - days * 24 * 60 * 60\n    if before:\n"
                                 "        since = parse_day(before) + days * 86400\n"
                                 "    return db.select('SELECT COUNT(*) FROM history WHERE stopped >= %s AND user = ?' % since,\n"
                                 "                     [current_user()])\n"},
                findings=0, status="pass", note="B608: a value computed by arithmetic is a number, not text"),
        Example({"app/stats.py": "def plays(db, before):\n    since = parse_day(before)\n"
                                 "    return db.select('SELECT COUNT(*) FROM history WHERE stopped >= %s AND user = ?' % since,\n"
                                 "                     [current_user()])\n"},
                findings=1, lines=(3,), note="B608: what a parser returned goes where a value goes"),
        Example({"app/provision.py": "import paramiko\n\nSERVICE = 'shim'\n\n\ndef restart(client: paramiko.SSHClient):\n"
                                     "    cmd = f'sudo systemctl daemon-reload && sudo systemctl restart {SERVICE}'\n"
                                     "    client.exec_command(cmd, timeout=100)\n"},
                findings=0, status="pass", note="B601: a remote command the code writes whole, constants only"),
        Example({"app/provision.py": "import paramiko\n\n\ndef cat(client: paramiko.SSHClient, name):\n"
                                     "    client.exec_command(f'cat /srv/{name}', timeout=10)\n"},
                findings=1, lines=(5,), note="B601: a caller's value in the remote shell command"),
        Example({"app/thumbs.py": "import subprocess\n\n\ndef thumbnail(path, out):\n"
                                  "    command = ['ffmpeg', '-i', path, '-frames:v', '1', out]\n"
                                  "    subprocess.run(command, check=True)\n"},
                findings=0, status="pass", note="B603: an argument list, which no shell reads"),
        Example({"app/users.py": "from subprocess import PIPE, Popen\n\nADD_USER = ['adduser', '-q', 'USERNAME']\n\n\n"
                                 "def add_user(name, uid=None):\n    cmd = [arg.replace('USERNAME', name) for arg in ADD_USER]\n"
                                 "    if uid is not None:\n        cmd += ['--uid', str(uid)]\n"
                                 "    return Popen(cmd, stdout=PIPE).wait()\n"},
                findings=0, status="pass", note="B603: a list built by a comprehension and extended, never a string"),
        Example({"app/gpg.py": "import shlex\nimport subprocess\n\n\ndef run(binary, args):\n"
                               "    cmd = shlex.split(' '.join([binary, '--batch', *args]))\n"
                               "    return subprocess.Popen(cmd, shell=False, stdout=subprocess.PIPE)\n"},
                findings=0, status="pass", note="B603: shlex.split makes the argument list; no shell reads it"),
        Example({"app/sync.py": "import subprocess\n\n\ndef pull():\n    subprocess.run(['git', 'pull'], check=True)\n"},
                findings=0, status="pass", note="B607: git found through PATH, outside a container too; no shell reads it"),
        Example({"app/services.py": "import subprocess\n\n\nclass Service:\n    def __init__(self, cmd: list[str]):\n"
                                    "        self.cmd = cmd\n\n    def start(self):\n"
                                    "        return subprocess.Popen(self.cmd, env={'SERVICE': '1'})\n"},
                findings=0, status="pass", note="B603: an argument list from the caller, handed to no shell"),
        Example({"app/restart.py": "import os\nimport sys\n\n\ndef restart():\n"
                                   "    os.execv(sys.executable, [sys.executable, *sys.argv])\n"},
                findings=0, status="pass", note="B606: the process replaces itself with its own argv; no shell"),
        Example({"app/thumbs.py": "import subprocess\n\n\ndef thumbnail(path):\n"
                                  "    subprocess.run('ffmpeg -i ' + path, shell=True, check=True)\n"},
                findings=1, lines=(5,), note="B602: a command string a shell reads"),
        Example({"app/reload.py": "import os\n\n\ndef reload_mail():\n    os.system('doveadm reload')\n"},
                findings=0, status="pass", note="B605: a shell command written whole as one literal; nothing reaches it"),
        Example({"app/perms.py": "import os\n\nDATA_DIR = os.environ.get('DATA_DIR', '/data')\n\n\ndef fix_owner():\n"
                                 "    os.system(f'chown -R www-data {DATA_DIR}')\n"},
                findings=1, lines=(7,), note="B605: a path interpolated into a shell command (os.chown needs no shell)"),
        Example({"app/captcha.py": "from urllib.request import urlopen\n\nVERIFY_SERVER = 'https://www.google.com/recaptcha/api/siteverify'\n\n\n"
                                   "def verify(data):\n    return urlopen(VERIFY_SERVER, data, timeout=5).read()\n"},
                findings=0, status="pass", note="B310: the URL's scheme is https, written in the code"),
        Example({"app/agent.py": "import urllib.request\n\n\ndef ping(vm_ip):\n"
                                 "    return urllib.request.urlopen(f'http://{vm_ip}:8000/status', timeout=5).read()\n"},
                findings=0, status="pass", note="B310: an f-string that starts with http://; no file: URL can come of it"),
        Example({"app/images.py": "import urllib.request\n\n\ndef fetch(image):\n"
                                  "    return urllib.request.urlopen(image.filepath, timeout=5).read()\n"},
                findings=1, lines=(5,), note="B310: a stored path opened as a URL; file: and custom schemes get through"),
        Example({"app/store.py": "import pickle\n\n\ndef save(obj, f):\n    pickle.dump(obj, f)\n"},
                findings=0, status="pass", note="B403: importing pickle; its unsafe use is judged at the call"),
        Example({"app/store.py": "import pickle\n\n\ndef load(data):\n    return pickle.loads(data)\n"},
                findings=1, lines=(5,), note="B301 at the call that unpickles, once, not again at the import"),
        Example({"app/report.py": "def rows(cursor, request):\n"
                                  "    cursor.execute(\"SELECT * FROM orders WHERE status = '%s'\" % request.GET['status'])\n"},
                findings=1, lines=(2,), note="B608: Django's request.GET is what the client sent, not a constant"),
        Example({"app/projects.py": "def order(queryset, request):\n    field = request.GET['order']\n"
                                    "    return queryset.extra(select={'o': 'SELECT ' + field})\n"},
                findings=1, lines=(3,), note="B610: extra() SQL built from the request"),
        Example({"app/actions.py": "def create_user(session, data):\n    user = session.get(User, data['id'])\n"
                                   "    assert user\n    assert isinstance(user.name, str) and user.team\n"
                                   "    return user.name\n"},
                findings=0, status="pass", note="B101: asserts that narrow a lookup's result for a type checker"),
        Example({"app/config_tool.py": "def apply(action, option):\n    assert action in ('edit', 'add')\n"
                                       "    return option\n"},
                findings=0, status="pass", note="B101: a parameter held to literal choices states the caller's contract"),
        Example({"app/views.py": "from flask import request\n\n\ndef bookmark():\n    data = request.get_json()\n"
                                 "    assert data.get('items')\n    kind = data['kind']\n"
                                 "    assert kind in ('wire', 'agenda')\n    return data\n"},
                findings=2, lines=(6, 8), note="B101: request data validated by assert, gone under python -O"),
        Example({"app/views.py": "import flask\n\n\ndef bookmark():\n    data = get_json_or_400()\n"
                                 "    assert data.get('items')\n    assert flask.request.args.get('profile')\n    return data\n"},
                findings=2, lines=(6, 7), note="B101: the body read through a project helper, and flask.request's arguments"),
        Example({"app/users.py": "def forgot_password(user, request=None):\n    assert request is not None\n"
                                 "    assert request.user\n    return user\n"},
                findings=0, status="pass", note="B101: the request object narrowed for a type checker, no value checked"),
        Example({"app/admin.py": "def purge(request):\n    assert request.user.is_staff\n    return wipe()\n"},
                findings=1, lines=(2,), note="B101: an assert standing in for a permission check"),
        Example({"app/sharing.py": "def grant(user, asset):\n    assert user.username == asset.owner\n"
                                   "    return asset\n"},
                findings=1, lines=(2,), note="B101: a comparison guarding a grant is a check, not narrowing"),
        Example({"app/reports.py": "def ports(result):\n    rows = []\n    for ip, found in result.items():\n"
                                   "        assert is_ip_address(ip)\n        assert found.has_directory_index\n"
                                   "        rows.append((ip, found))\n    return rows\n\n\n"
                                   "def release(owner_proof):\n    if owner_proof.can_release:\n"
                                   "        assert owner_proof.last_seen_at is not None\n        return owner_proof.last_seen_at\n"},
                findings=0, status="pass",
                note="B101: predicates on the code's own data, and a field narrowed on an object whose name says owner"),
        Example({"app/forms.py": "def form_source(user, form):\n    assert has_permission_for_form(user, form)\n"
                                 "    return form.source\n\n\n"
                                 "def chart(params, valid_modes):\n    mode = params.get('mode', 'slope')\n"
                                 "    assert mode in valid_modes\n    return mode\n"},
                findings=2, lines=(2, 8), note="B101: an assert that grants access, and one that holds a parameter to its valid modes"),
        Example({"app/report.py": 'def rows(cursor, status):\n'
                                  '    cursor.execute(f"SELECT * FROM orders WHERE status = \'{status}\'")  # noqa: E501\n'},
                findings=1, lines=(2,), note="a noqa for another rule does not clear it"),
        Example({"app/archive.py": 'COLUMNS = ("id", "status", "created_at")\n\n\ndef archive(cursor, model, day):\n'
                                   '    fields = ", ".join(COLUMNS)\n'
                                   '    sql = f"INSERT INTO archive SELECT {fields} FROM {model._meta.db_table} WHERE day < %s"\n'
                                   '    cursor.execute(sql, [day])\n'},
                findings=0, status="pass",
                note="SQL built only from constants and the model's table name; the value is a bound parameter"),
        Example({"app/pick.py": 'import random\nimport time\n\n\ndef pick(providers, weights):\n'
                                '    time.sleep(random.randint(0, 50) / 1000)\n'
                                '    return random.choices(providers, weights=weights)[0]\n'},
                findings=0, status="pass", note="B311: random for a jitter and a weighted choice, not a secret"),
        Example({"app/otp.py": 'import random\n\n\ndef send_otp(user):\n    code = random.randint(100000, 999999)\n'
                               '    return code\n'}, findings=1, lines=(5,), note="B311: random for a one-time code"),
        Example({"app/tasks/sample_data.py": 'import random\n\n\ndef sample_issue(states, creators, name):\n'
                                           '    return dict(\n        state_id=states[random.randint(0, len(states) - 1)],\n'
                                           '        created_by_id=creators[random.randint(0, len(creators) - 1)],\n'
                                           '        identifier=name[:random.randint(2, 12)].upper(),\n    )\n'},
                findings=0, status="pass", note="B311: a random index or slice picks among existing rows, it makes no id"),
        Example({"app/session.py": "import random\n\n\nclass RoutingSession:\n    def get_bind(self):\n"
                                   "        return random.choice(self.replicas)\n\n\n"
                                   "def secret_probe(secret, bogus):\n    if random.randint(0, 1) == 0:\n"
                                   "        return secret == bogus\n    return False\n\n\n"
                                   "def challenge_options(options, count):\n    return random.sample(options, count)\n"},
                findings=0, status="pass",
                note="B311: one of the replicas or options that exist, and a coin flip that picks a branch"),
        Example({"app/session.py": "import random\nimport string\n\nALPHABET = string.ascii_letters + string.digits\n\n\n"
                                   "class LoginSession:\n    def new_key(self):\n"
                                   "        return ''.join(random.choice(ALPHABET) for _ in range(32))\n"},
                findings=1, lines=(9,), note="B311: characters drawn for a session key"),
        Example({"app/cache.py": "import hashlib\n\ndef cache_key(*parts):\n"
                                 "    return hashlib.md5(':'.join(parts).encode()).hexdigest()\n"},
                findings=0, status="pass", note="B324: md5 for a cache key, not for security"),
        Example({"app/storage.py": "import hashlib\n\nfrom django.core.cache import cache\n\n\n"
                                   "class MediaStorage:\n    def url(self, name):\n"
                                   "        key = hashlib.md5(f'media_urls_{name}'.encode()).hexdigest()\n"
                                   "        if found := cache.get(key):\n            return found\n"
                                   "        return self.sign(name)\n\n\n"
                                   "def ssh_key_name(public_key):\n    return 'app-' + hashlib.sha1(public_key.encode()).hexdigest()\n"},
                findings=0, status="pass", note="B324: a key handed to the cache, and a key's name"),
        Example({"app/sessions.py": "import hashlib\n\n\ndef remember(response, user):\n"
                                    "    key = hashlib.md5(user.email.encode()).hexdigest()\n"
                                    "    response.set_cookie('remember', key)\n"},
                findings=1, lines=(5,), note="B324: a key from what others know, handed to no cache"),
        Example({"app/snapshots.py": "import hashlib\n\ndef changed(update, content):\n"
                                     "    current_md5 = hashlib.md5(content).hexdigest()\n"
                                     "    return update.get('previous_md5') != current_md5\n"},
                findings=0, status="pass", note="B324: a digest named for itself, a content fingerprint"),
        Example({"app/auth.py": "import hashlib\n\ndef check(stored, password):\n"
                                "    password_md5 = hashlib.md5(password.encode()).hexdigest()\n"
                                "    return stored == password_md5\n"},
                findings=1, lines=(4,), note="B324: md5 of a password is security, whatever else the name says"),
        Example({"app/csrf.py": "import hashlib\nimport os\n\n\ndef new_csrf_token():\n"
                                "    return hashlib.sha1(os.urandom(64)).hexdigest()\n"},
                findings=0, status="pass", note="B324: a digest of fresh random bytes is as unguessable as they are"),
        Example({"app/csrf.py": "import hashlib\nimport os\n\n\ndef new_csrf_token(user):\n"
                                "    return hashlib.sha1(user.email.encode() + os.urandom(4)).hexdigest()\n"},
                findings=1, lines=(6,), note="B324: a token from what others know, with too little randomness mixed in"),
        Example({"app/experiments.py": "import hashlib\n\n\ndef hash_session(session_id):\n"
                                       "    digest = hashlib.md5(session_id.encode()).hexdigest()\n"
                                       "    return int(digest, 16)\n\n\n"
                                       "def in_test_group(session_id, percent):\n"
                                       "    return hash_session(session_id) % 100 < percent\n"},
                findings=0, status="pass", note="B324: a digest made a number modulo 100 picks an A/B bucket"),
        Example({"app/otp.py": "import hashlib\n\n\ndef otp_for(secret, counter):\n"
                               "    return int(hashlib.md5(secret + counter).hexdigest(), 16) % 1000000\n"},
                findings=1, lines=(5,), note="B324: a number modulo n that is a one-time code from a secret"),
        Example({"app/cache/__init__.py": "import hashlib\n\n\ndef hash_key(prefix, text):\n"
                                          "    key = prefix + ':' + hashlib.md5(text.encode()).hexdigest()\n"
                                          "    return key\n"},
                findings=0, status="pass", note="B324: a key made in the cache package is a cache key"),
        Example({"app/accounts.py": "import hashlib\n\n\ndef hash_key(prefix, text):\n"
                                    "    key = prefix + ':' + hashlib.md5(text.encode()).hexdigest()\n"
                                    "    return key\n"},
                findings=1, lines=(5,), note="B324: the same key outside a cache module may be anything"),
        Example({"app/nlp.py": "from pathlib import Path\n\nfrom huggingface_hub import snapshot_download\n"
                               "from transformers import AutoModel, BertTokenizer\n\n\n"
                               "def tokenizer():\n    return BertTokenizer.from_pretrained('bert-base-uncased')\n\n\n"
                               "def model(model_dir: Path):\n    return AutoModel.from_pretrained(model_dir)\n\n\n"
                               "def products(target):\n"
                               "    snapshot_download(repo_id='acme/products', repo_type='dataset', local_dir=target)\n"},
                findings=0, status="pass",
                note="B615: a tokenizer's vocabulary, a model in a local directory, a dataset's files: no Hub code runs"),
        Example({"app/llm.py": "from transformers import AutoModel, AutoTokenizer\n\n\ndef load(settings):\n"
                               "    tokenizer = AutoTokenizer.from_pretrained(\n"
                               "        settings.model, trust_remote_code=settings.trust_remote_code)\n"
                               "    model = AutoModel.from_pretrained('acme/model')\n    return tokenizer, model\n"},
                findings=2, lines=(5, 7),
                note="B615: trust_remote_code from the settings runs the repository's code, and model weights from the Hub"),
        Example({"app/sign.py": "from cryptography.hazmat.primitives import hashes, hmac\n\n\n"
                                "def sign(key: bytes, message: bytes) -> bytes:\n"
                                "    h = hmac.HMAC(key, hashes.SHA1())\n    h.update(message)\n    return h.finalize()\n\n\n"
                                "def fingerprint(data: bytes) -> bytes:\n    digest = hashes.Hash(hashes.SHA1())\n"
                                "    digest.update(data)\n    return digest.finalize()\n"},
                findings=1, lines=(11,), note="B303: SHA-1 as an HMAC's digest is not broken; a bare SHA-1 digest is"),
        Example({"app/html.py": 'from django.utils.html import escape\nfrom django.utils.safestring import mark_safe\n\n\n'
                                'def page_break():\n    return mark_safe(\'<div class="break"></div>\')\n\n\n'
                                'def bold(name):\n    return mark_safe(f"<b>{escape(name)}</b>")\n'},
                findings=0, status="pass", note="mark_safe over a literal and over escaped text"),
        Example({"app/tags.py": "from django.utils.safestring import mark_safe\nfrom django.utils.translation import gettext as _\n\n\n"
                                "def deactivated():\n    text = _('deactivated user')\n"
                                "    return mark_safe(f\"<em class='tag'>{text}</em>\")\n"},
                findings=0, status="pass", note="mark_safe over the project's own text, translated"),
        Example({"app/html.py": 'import json\n\nfrom django.utils.safestring import mark_safe\n\n\n'
                                'def as_json(value):\n    return mark_safe(json.dumps(value))\n'},
                findings=1, lines=(7,), note="mark_safe over unescaped data: one finding (bandit's B308 and B703)"),
        Example({"app/forms.py": "from django.urls import reverse\nfrom django.utils.html import escape\n"
                                 "from django.utils.safestring import mark_safe\nfrom django.utils.translation import gettext as _\n\n\n"
                                 "def labels(category, low, high, team):\n"
                                 "    title = mark_safe(_('Round in <b>%(category)s</b>') % {'category': escape(category.name)})\n"
                                 "    score = mark_safe(_('Score (%(min)d=worst; %(max)d=best)') % {'min': int(low), 'max': int(high)})\n"
                                 "    link = mark_safe(reverse('team-record', kwargs={'pk': team.pk}))\n"
                                 "    return title, score, link\n"},
                findings=0, status="pass", note="mark_safe over translated text filled with escaped text, numbers and a reversed URL"),
        Example({"app/links.py": "from django.utils.safestring import mark_safe\nfrom django.utils.translation import gettext as _\n\n\n"
                                 "def team_label(team):\n    return mark_safe(_('Team <b>%(name)s</b>') % {'name': team.name})\n"},
                findings=1, lines=(6,), note="mark_safe over a team name the registration form took, unescaped"),
        Example({"app/widgets.py": "from django import forms\nfrom django.utils.safestring import mark_safe\n\n\n"
                                   "class CategorySelect(forms.Select):\n    def render(self, name, value, attrs=None, renderer=None):\n"
                                   "        html = super().render(name, value, attrs, renderer)\n"
                                   "        return mark_safe('<div class=\"select\">' + html + '</div>')\n",
                 "app/diffs.py": "import difflib\n\nfrom django.utils.safestring import mark_safe\n\n\n"
                                 "def html_diff(old, new):\n"
                                 "    return mark_safe(difflib.HtmlDiff().make_table(old.splitlines(), new.splitlines()))\n",
                 "app/books.py": "from markupsafe import Markup\n\n\ndef comments(text):\n"
                                 "    return Markup(text).unescape()\n"},
                findings=0, status="pass",
                note="a widget's own render, difflib's HtmlDiff table, and Markup turned back into plain text"),
        Example({"app/templatetags/panels.py": "from django.template.loader import get_template\n"
                                               "from django.utils.safestring import mark_safe\n\n\n"
                                               "def panels(context, items):\n    html = []\n    for item in items:\n"
                                               "        template = get_template(item['template'])\n"
                                               "        html.append(template.render(context))\n"
                                               "    return mark_safe('\\n'.join(html))\n",
                 "app/widgets.py": "from django.forms.widgets import Select, Widget\nfrom django.utils.safestring import mark_safe\n\n\n"
                                   "class MonthYear(Widget):\n    def render(self, name, value, attrs=None, renderer=None):\n"
                                   "        output = []\n        for part, choices in (('month', self.months), ('year', self.years)):\n"
                                   "            select = Select(choices=choices)\n"
                                   "            output.append(select.render(f'{name}_{part}', value, attrs))\n"
                                   "        return mark_safe('\\n'.join(output))\n"},
                findings=0, status="pass", note="B308: Django templates and form widgets render escaped HTML"),
        Example({"app/render.py": "import jinja2\nfrom markupsafe import Markup\n\n"
                                  "ENV = jinja2.Environment(loader=jinja2.FileSystemLoader('t'))\n\n\n"
                                  "def panel(name, context):\n    return Markup(ENV.get_template(name).render(context))\n"},
                findings=2, lines=(4, 8), note="B704: a Jinja2 Environment escapes nothing unless told to (B701 too)"),
        Example({"app/admin.py": "from django import template\nfrom django.utils.html import format_html\n"
                                 "from django.utils.safestring import mark_safe\n\n\n"
                                 "def stamp(context):\n    html = template.Template('{{ day }} (<code>{{ ts }}</code>)')\n"
                                 "    return mark_safe(html.render(context))\n\n\n"
                                 "def recent(user):\n    total = user.snapshot_set.count()\n    return mark_safe(\n"
                                 "        '<br/>'.join(format_html('<a href=\"/s/{}\">{}</a>', s.pk, s.url)\n"
                                 "                     for s in user.snapshot_set.all())\n"
                                 "        + f'<br/><a href=\"/s/?owner={user.pk}\">{total} in all</a>')\n"},
                findings=0, status="pass", note="B308: a Django Template rendered, a count and a row's key beside format_html"),
        Example({"app/render.py": "from jinja2 import Template\nfrom markupsafe import Markup\n\n\n"
                                  "def card(source, data):\n    return Markup(Template(source).render(data))\n"},
                findings=1, lines=(6,), note="B704: a Jinja2 Template, which escapes nothing by default"),
        Example({"app/templatetags/mail.py": "from django.utils.html import escape\nfrom django.utils.safestring import mark_safe\n\n\n"
                                             "def entities(text):\n    return ''.join(f'&#{ord(char)};' for char in text)\n\n\n"
                                             "def links(pairs):\n    items = []\n    for url, text in pairs:\n"
                                             "        items.append(str(escape(text)))\n    return ', '.join(items)\n\n\n"
                                             "def obfuscated(address):\n    return mark_safe(entities(address))\n\n\n"
                                             "def link_list(pairs):\n    return mark_safe(links(pairs))\n"},
                findings=0, status="pass", note="B308: the module's own helpers entity-encode or escape every character"),
        Example({"app/templatetags/links.py": "from django.utils.safestring import mark_safe\n\n\n"
                                              "def anchor(url, text):\n    return f'<a href=\"{url}\">{text}</a>'\n\n\n"
                                              "def profile_link(user):\n    return mark_safe(anchor(user.url, user.display_name))\n"},
                findings=1, lines=(9,), note="B308: the module's helper formats its arguments unescaped"),
        Example({"app/admin.py": "import html\n\nfrom django.utils.safestring import mark_safe\n\n\n"
                                 "def download(tool):\n    url, label = tool.download_link()\n"
                                 "    url = html.escape(url)\n    label = html.escape(label)\n"
                                 "    return mark_safe(f'<a href=\"{url}\">{label}</a>')\n\n\n"
                                 "def stamp(when):\n    return mark_safe(f'<time datetime=\"{when.isoformat()}\">now</time>')\n"},
                findings=0, status="pass", note="B308: names escaped right before the markup, and a datetime's ISO form"),
        Example({"app/admin.py": "import html\n\nfrom django.utils.safestring import mark_safe\n\n\n"
                                 "def download(tool, raw):\n    url, label = tool.download_link()\n"
                                 "    if not raw:\n        label = html.escape(label)\n"
                                 "    return mark_safe(f'<a href=\"#\">{label}</a>')\n"},
                findings=1, lines=(10,), note="B308: escaped on one branch only; the raw label reaches the markup too"),
    )

    def evaluate(self, project: Project, collected: Collected, options: Mapping[str, Any]) -> Verdict:
        support = cli_support(project)  # scanned before the imports were known: a command's helpers are left out now
        report = project.tool("bandit", run_bandit).without(support)
        if report.error:
            return Verdict(Errored(report.error))
        if report.files == 0:
            return Verdict(NotApplicable("no application Python files for bandit"))
        weights = {str(k).upper(): int(v) for k, v in dict(options["weights"]).items()}
        min_sev = _LEVELS.get(str(options["min_severity"]).upper(), 1)
        min_conf = _LEVELS.get(str(options["min_confidence"]).upper(), 1)
        kept = [i for i in report.issues
                if _LEVELS.get(i.severity, 1) >= min_sev and _LEVELS.get(i.confidence, 1) >= min_conf
                and i.test_id not in _OWNED_ELSEWHERE and i.test_id not in _IMPORT_WARNINGS and i.test_id not in _NO_SHELL]
        guards: dict[str, set[int]] = {}
        for issue in kept:
            if issue.test_id in _DEV_RUNNER_TESTS and issue.path not in guards:
                guards[issue.path] = _main_guard_lines(project, issue.path)
        kept = [i for i in kept if not (i.test_id in _DEV_RUNNER_TESTS and i.line in guards[i.path])]
        if any(i.test_id in _CONTAINED for i in kept) and project.glob(*_CONTAINER_FILES):
            # in a container, 0.0.0.0 is how its port is published, and /tmp belongs to the service alone
            kept = [i for i in kept if i.test_id not in _CONTAINED]
        if any(i.test_id == "B413" for i in kept) and _declares_pycryptodome(project):
            kept = [i for i in kept if i.test_id != "B413"]  # the maintained fork shares pycrypto's Crypto package
        trees: dict[str, ast.Module | None] = {}
        # a pure function of the file and the finding: kept per file across scans (readiness.file_facts)
        kept = [i for i in kept if not (i.test_id in CLEARED_BY and project.text_fact(
            f"sast-cleared:{i.test_id}:{i.line}", i.path,
            lambda _text, i=i: cleared(trees, project.read_text, i.path, i.test_id, i.line)))]
        kept = [i for i in kept if not project.text_fact(  # ruff's noqa for the same rule: already judged
            f"sast-noqa:{i.test_id}:{i.line}", i.path,
            lambda _text, i=i: marked_for_ruff(trees, project.read_text, i.path, i.test_id, i.line))]
        found = [
            (Finding(i.path, i.line, i.column, self.id,
                     f"{i.test_id} {i.message} (severity {i.severity.lower()}, confidence {i.confidence.lower()})",
                     _BANDIT_SEVERITY.get(i.severity, "low"), code=i.test_id), i)
            for i in kept
        ]
        unsuppressed = {id(f) for f in collected.keep([f for f, _ in found])}
        kept = [i for f, i in found if id(f) in unsuppressed]
        findings = tuple(f for f, _ in found if id(f) in unsuppressed)
        weighted = sum(weights.get(i.severity, 1) for i in kept)
        counts = {level: sum(1 for i in kept if i.severity == level) for level in ("HIGH", "MEDIUM", "LOW")}
        detail = ", ".join(f"{n} {level.lower()}" for level, n in counts.items() if n)
        noun = "bandit finding" if len(kept) == 1 else "bandit findings"
        summary = f"{len(kept)} {noun} in {report.files} file(s)" + (f" ({detail}; weighted {weighted})" if kept else "")
        from readiness.tools.bandit_runner import project_selection

        source, selection = project_selection(project)
        if selection["skips"]:
            summary += f"; {source} skips {', '.join(selection['skips'])}"
        if selection["tests"]:
            summary += f"; {source} runs only {', '.join(selection['tests'])}"
        if report.unparsed:
            summary += f"; bandit could not parse {len(report.unparsed)} file(s): {', '.join(report.unparsed[:3])}"
        lines = max(report.loc, 1)
        return Verdict(
            Density(weighted, lines, "severity-weighted bandit findings", float(options["zero_at"])),
            summary, (), findings,
        )


# -- CI-config based checks -----------------------------------------------------------------

def _tool_runs(repo: RepoFiles, heads: tuple[str, ...], text_re: re.Pattern[str] | None,
               action_re: re.Pattern[str] | None) -> list[tuple[str, Command, bool]]:
    """(tool, where, failure ignored) for CI runs of one of ``heads`` (argv[0]), a text or an action match."""
    runs: list[tuple[str, Command, bool]] = []
    for command in repo.ci_commands():
        if command.action and command.origin == "github-actions":
            if action_re is None:
                continue
            match = action_re.search(command.action)
            if match:
                runs.append((match.group(0).lower(), command, command.ignores_failure))
            continue
        for argv, ignored in programs(command):
            head = PurePosixPath(argv[0]).name
            if head in heads and "--version" not in argv and "install" not in argv[:2]:
                runs.append((head, command, ignored))
            elif text_re is not None and argv[0] not in ("pip", "pip3", "apt-get", "apt", "brew"):
                match = text_re.search(" ".join(argv))
                if match:
                    runs.append((match.group(0).lower(), command, ignored))
    return runs


def _template_includes(repo: RepoFiles, pattern: str) -> list[Evidence]:
    return [Evidence(f"GitLab CI template {ref}", path, line)
            for path, line, ref in repo.gitlab_includes if re.search(pattern, ref, re.IGNORECASE)]


def _run_evidence(runs: list[tuple[str, Command, bool]]) -> list[Evidence]:
    out = []
    for tool, command, ignored in runs:
        note = " (its result does not fail the build)" if ignored else ""
        out.append(Evidence(f"{tool} runs in CI{note}", command.path, command.line))
    return out


_DEP_HEADS = ("pip-audit", "safety", "snyk", "osv-scanner", "grype", "trivy")
_DEP_ACTION_RE = lazy_compile(r"gh-action-pip-audit|safety-action|snyk/actions|osv-scanner|trivy-action|grype|"
                            r"dependency-review-action", re.IGNORECASE)
_RENOVATE_FILES = ("renovate.json", "renovate.json5", ".renovaterc", ".renovaterc.json", ".renovaterc.json5",
                   ".github/renovate.json", ".github/renovate.json5", ".gitlab/renovate.json", ".gitlab/renovate.json5")
_PY_ECOSYSTEMS = {"pip", "uv", "pipenv", "poetry"}


class DependencyScanning(Check):
    id = "dependency-scanning"
    category = "security-audit"
    severity = "high"
    effort = "0.5d"
    title = "Dependency vulnerability scanning"
    rationale = (
        "Most vulnerable code in a service is in its dependencies. Without a scanner, a published "
        "CVE in a pinned library stays in production until someone happens to notice."
    )
    remediation = (
        "Enable Dependabot for the `pip` ecosystem (`.github/dependabot.yml`) or Renovate, and/or "
        "run `pip-audit` (or Safety, Snyk, osv-scanner) in CI."
    )
    scoring = (
        "Presence: 100% with Dependabot (a Python ecosystem), Renovate, Snyk (a policy file or its pinned fixes), or "
        "pip-audit / Safety / "
        "osv-scanner / Trivy / Grype run by CI or a pre-commit hook CI runs."
    )
    examples = (
        Example({"app/x.py": "x = 1\n", ".github/dependabot.yml": (
            "version: 2\nupdates:\n  - package-ecosystem: pip\n    directory: /\n    schedule: {interval: weekly}\n")},
            status="pass"),
        Example({"app/x.py": "x = 1\n", ".gitlab-ci.yml": "audit:\n  script:\n    - pip install pip-audit\n"
                 "    - pip-audit -r requirements.txt\n"}, status="pass", note="pip-audit in GitLab CI"),
        Example({"app/x.py": "x = 1\n", "renovate.json": "{\"extends\": [\"config:recommended\"]}\n"}, status="pass"),
        Example({"app/x.py": "x = 1\n", ".whitesource": "{\"scanSettings\": {\"configMode\": \"AUTO\"},\n"
                 " \"checkRunSettings\": {\"vulnerableCheckRunConclusionLevel\": \"failure\"}}\n"}, status="pass",
                note="Mend (WhiteSource) scans the dependencies of every pull request"),
        Example({"app/x.py": "x = 1\n", ".pyup.yml": "update: all\nschedule: every week\nrequirements:\n  - requirements.txt\n"},
                status="pass", note="PyUp's bot opens update and security pull requests"),
        Example({"app/x.py": "x = 1\n", ".pyup.yml": "update: False\npin: False\n"}, status="fail",
                note="PyUp switched off (update: False) opens no pull requests, security updates included"),
        Example({"app/x.py": "x = 1\n", ".github/dependabot.yml": (
            "version: 2\nupdates:\n  - package-ecosystem: github-actions\n    directory: /\n"
            "    schedule: {interval: weekly}\n")}, status="fail", note="Dependabot for actions only"),
        Example({"app/x.py": "x = 1\n", ".gitlab-ci.yml": "deps:\n  script:\n    - pip install pip-audit safety\n"},
                status="fail", note="installing a scanner is not running it"),
        Example({"app/x.py": "x = 1\n", "requirements.txt": "fastapi==0.110.0\n"
                 "zipp>=3.19.1 # not directly required, pinned by Snyk to avoid a vulnerability\n"},
                status="pass", note="a fix Snyk's pull request pinned: Snyk watches from outside the repository"),
        Example({"app/x.py": "x = 1\n", "requirements.txt": "fastapi==0.110.0\n# we could try snyk\n"},
                status="fail", note="a mention is not a scanner"),
    )

    def evaluate(self, project: Project, collected: Collected, options: Mapping[str, Any]) -> Verdict:
        if not project.python_files:
            return Verdict(NotApplicable("no Python files"))
        repo = repo_files(project)
        evidence: list[Evidence] = []
        other: list[str] = []
        for rel in (".github/dependabot.yml", ".github/dependabot.yaml"):
            if rel not in project.files:
                continue
            docs, _error = project.yaml_documents(rel)
            for doc in docs:
                updates = doc.get("updates") if isinstance(doc, dict) else None
                for entry in updates if isinstance(updates, list) else []:
                    ecosystem = str(entry.get("package-ecosystem", "")) if isinstance(entry, dict) else ""
                    if ecosystem in _PY_ECOSYSTEMS:
                        evidence.append(Evidence(f"Dependabot watches the {ecosystem} ecosystem", rel))
                    elif ecosystem:
                        other.append(ecosystem)
        evidence += [Evidence("Renovate configured", rel) for rel in _RENOVATE_FILES if rel in project.files]
        if "package.json" in project.files:
            try:
                if "renovate" in json.loads(project.read_text("package.json") or "{}"):
                    evidence.append(Evidence("Renovate configured", "package.json"))
            except ValueError:
                pass
        if ".snyk" in project.files:
            evidence.append(Evidence("Snyk policy file", ".snyk"))
        if ".whitesource" in project.files:  # Mend's GitHub app scans every pull request's dependencies
            evidence.append(Evidence("Mend (WhiteSource) dependency scanning configured", ".whitesource"))
        for rel in (".pyup.yml", ".pyup.yaml"):  # PyUp's bot (Safety's makers) opens security update pull requests
            if rel in project.files and not _pyup_off(project, rel):
                evidence.append(Evidence("PyUp bot configured", rel))
        evidence += _snyk_pins(project)
        runs = _tool_runs(repo, _DEP_HEADS, None, _DEP_ACTION_RE)
        evidence += _run_evidence(runs)
        evidence += _template_includes(repo, r"Dependency-Scanning")
        if evidence:
            summary = f"dependency scanning: {evidence[0].message}" + (f" and {len(evidence) - 1} more" if len(evidence) > 1 else "")
        elif other:
            summary = f"Dependabot is configured only for {', '.join(sorted(set(other)))}, not for Python packages"
        else:
            summary = "no dependency scanner (Dependabot, Renovate, pip-audit, Safety, Snyk) configured"
        return Verdict(Presence(bool(evidence), "dependency scanning"), summary, tuple(evidence))


def _pyup_off(project: Project, rel: str) -> bool:
    """``update: False``: PyUp opens no pull requests at all, security updates included."""
    docs, _error = project.yaml_documents(rel)
    first = docs[0] if docs else None
    return isinstance(first, dict) and str(first.get("update")).lower() == "false"


def _snyk_pins(project: Project) -> list[Evidence]:
    """A requirement Snyk's fix pull request pinned (``# pinned by Snyk to avoid a vulnerability``): Snyk watches the
    repository's dependencies from outside it, and its fixes land here."""
    for rel in project.glob("**/requirements*.txt", "**/requires.txt"):
        text = project.read_text(rel) or ""
        index = text.find("pinned by Snyk")
        if index >= 0:
            return [Evidence("Snyk fixes pinned in the requirements", rel, text.count("\n", 0, index) + 1)]
    return []


_SAST_HEADS = ("bandit", "semgrep", "opengrep", "codeql", "sonar-scanner", "pysonar")
# Actions named for the tool they run. A remote reusable workflow cannot be read offline and is not
# credited by its name: a `sast.yml` that runs only container and IaC scans exists.
_SAST_ACTION_RE = lazy_compile(r"codeql-action|semgrep|bandit|sonarcloud-github-action|sonarqube-scan-action",
                               re.IGNORECASE)
# SonarCloud's automatic analysis: the GitHub app analyses every pull request of a repository holding this file
_SONARCLOUD_AUTOMATIC = ".sonarcloud.properties"
_RUFF_S_RE = lazy_compile(r"--(?:extend-)?select[= ](?:[A-Z0-9,]*,)?(S|ALL)\b")


_RUFF_CONFIGS = ("ruff.toml", ".ruff.toml", "pyproject.toml")


def _ruff_configs(project: Project) -> list[str]:
    """The ruff configurations that govern the service's code: the root's, then those of the folders that
    hold it (``src/backend/pyproject.toml`` in a repository whose CI lints from that folder), shallowest first."""
    homes = {rel.rpartition("/")[0] for rel in project.python_files if is_application_path(rel)}
    nested = [rel for rel in project.files if "/" in rel and rel.rpartition("/")[2] in _RUFF_CONFIGS
              and is_application_path(rel) and any(h == (d := rel.rpartition("/")[0]) or h.startswith(d + "/") for h in homes)]
    return [*(r for r in _RUFF_CONFIGS if r in project.files), *sorted(nested, key=lambda r: (r.count("/"), r))]


def _ruff_selects_security(project: Project) -> str | None:
    """The config file whose ruff rule selection includes the flake8-bandit (S) rules."""
    for rel in _ruff_configs(project):
        try:
            doc = tomllib.loads(project.read_text(rel) or "")
        except tomllib.TOMLDecodeError:
            continue
        ruff = doc.get("tool", {}).get("ruff", {}) if rel.endswith("pyproject.toml") else doc
        if not isinstance(ruff, dict):
            continue
        lint = ruff.get("lint") if isinstance(ruff.get("lint"), dict) else {}
        selected: list[str] = []
        for table in (ruff, lint):
            for key in ("select", "extend-select"):
                value = table.get(key)
                if isinstance(value, list):
                    selected += [str(v) for v in value]
        if _security_selection(selected):
            return rel
    return None


def _security_selection(codes: list[str]) -> bool:
    """Whether a ruff selection runs the flake8-bandit rules as a scan: all rules, the S set or a group of it
    (``S3``), or several S rules. One rule picked for its own sake (``S113``, requests without a timeout) is a
    lint, not a security scan."""
    if any(code in ("ALL", "S") or re.fullmatch(r"S\d{1,2}", code) for code in codes):
        return True
    return len({code for code in codes if re.fullmatch(r"S\d{3}", code)}) >= 3


_FLAKE8_BANDIT_RE = lazy_compile(r"(?<![\w-])(flake8-bandit|wemake-python-styleguide)(?![\w-])", re.IGNORECASE)
_DEPENDENCY_FILES = ("pyproject.toml", "setup.cfg", "setup.py", "Pipfile", "tox.ini", ".pre-commit-config.yaml")


def _flake8_bandit(project: Project, repo: RepoFiles) -> str | None:
    """Where flake8-bandit (alone or bundled by wemake-python-styleguide) is installed for flake8.

    Its S rules then run with every flake8 run, unless the flake8 configuration ignores or
    deselects the whole S family.
    """
    places = [*_DEPENDENCY_FILES, *project.glob("requirements*.txt", "requirements/*.txt", "**/requirements*dev*.txt")]
    found = None
    for rel in places:
        if rel in project.files and _FLAKE8_BANDIT_RE.search(project.read_text(rel) or ""):
            found = rel
            break
    if found is None:
        for command in repo.ci_commands():
            if "install" in command.text and _FLAKE8_BANDIT_RE.search(command.text):
                found = command.path
                break
    if found is None:
        return None
    for rel in ("setup.cfg", "tox.ini", ".flake8"):
        text = project.read_text(rel) if rel in project.files else None
        parser = configparser.RawConfigParser(strict=False)
        try:
            parser.read_string(text or "")
        except configparser.Error:
            continue
        if not parser.has_section("flake8"):
            continue
        ignored = " ".join(parser.get("flake8", key, fallback="") for key in ("ignore", "extend-ignore"))
        selected = parser.get("flake8", "select", fallback="")
        if re.search(r"(?<!\w)S(?!\w)", ignored) or (selected.strip() and not re.search(r"(?<!\w)S\d*(?!\w)", selected)):
            return None
    return found


class SastInCI(Check):
    id = "sast-in-ci"
    category = "security-audit"
    severity = "high"
    effort = "0.5d"
    title = "SAST in CI"
    rationale = (
        "A security scan someone runs once finds today's problems; one that runs on every change "
        "stops tomorrow's before they merge."
    )
    remediation = (
        "Run bandit (`bandit -r app -ll`), Semgrep or CodeQL in CI, or enable ruff's `S` "
        "(flake8-bandit) rules in a ruff run CI enforces."
    )
    scoring = (
        "Presence: 100% when CI runs bandit, Semgrep, CodeQL or a SonarQube/SonarCloud scan (or SonarCloud "
        "analyses every pull request: `.sonarcloud.properties`), or a GitLab SAST template, or enforces "
        "ruff with the S rules (all of them, a group such as S3, or several; one rule picked alone is a lint), "
        "or enforces flake8 with flake8-bandit installed (directly or through "
        "wemake-python-styleguide) and the S rules not ignored. A local reusable workflow or composite "
        "action is judged by its steps; a remote reusable workflow cannot be read and is not credited by its name."
    )
    examples = (
        Example({"app/x.py": "x = 1\n", ".github/workflows/codeql.yml": (
            "on: [push]\njobs:\n  analyze:\n    runs-on: ubuntu-latest\n    steps:\n"
            "      - uses: github/codeql-action/init@v3\n        with: {languages: python}\n"
            "      - uses: github/codeql-action/analyze@v3\n")}, status="pass"),
        Example({"app/main.py": "x = 1\n", ".circleci/config.yml": (
            "version: 2.1\njobs:\n  test:\n    docker:\n      - image: cimg/python:3.12\n    steps:\n      - checkout\n"
            "      - run: bandit -r . -x ./tests\n      - run: python manage.py test\n")},
                status="pass", note="bandit in a CircleCI job"),
        Example({"app/main.py": "x = 1\n", ".sonarcloud.properties": "sonar.sources=app\nsonar.python.version=3.12\n"},
                status="pass", note="SonarCloud's automatic analysis runs on every pull request"),
        Example({"app/x.py": "x = 1\n", "pyproject.toml": "[tool.ruff.lint]\nselect = [\"E\", \"F\", \"S\"]\n",
                 ".github/workflows/ci.yml": "on: [push]\njobs:\n  l:\n    runs-on: ubuntu-latest\n    steps:\n"
                 "      - run: ruff check .\n"}, status="pass", note="ruff with the S rules"),
        Example({"src/backend/core/models.py": "x = 1\n",
                 "src/backend/pyproject.toml": "[tool.ruff.lint]\nselect = [\"E\", \"F\", \"S\"]\n",
                 "docs/pyproject.toml": "[tool.ruff]\nline-length = 100\n",
                 ".github/workflows/ci.yml": "on: [push]\njobs:\n  lint-back:\n    runs-on: ubuntu-latest\n"
                 "    defaults:\n      run:\n        working-directory: src/backend\n    steps:\n"
                 "      - run: uv run ruff check .\n"}, status="pass",
                note="the S rules selected in the configuration of the folder that holds the service"),
        Example({"app/x.py": "x = 1\n", "pyproject.toml": "[tool.ruff.lint]\nselect = [\"E\", \"F\"]\n",
                 ".github/workflows/ci.yml": "on: [push]\njobs:\n  l:\n    runs-on: ubuntu-latest\n    steps:\n"
                 "      - run: ruff check .\n"}, status="fail", note="ruff without the S rules"),
        Example({"app/x.py": "x = 1\n", "pyproject.toml": "[tool.ruff.lint]\nselect = [\"E\", \"F\", \"S113\"]\n",
                 ".github/workflows/ci.yml": "on: [push]\njobs:\n  l:\n    runs-on: ubuntu-latest\n    steps:\n"
                 "      - run: ruff check .\n"}, status="fail",
                note="one S rule picked for requests without a timeout is a lint, not a security scan"),
        Example({"app/x.py": "x = 1\n",
                 "pyproject.toml": "[tool.ruff.lint]\nselect = [\"E\", \"F\", \"S102\", \"S301\", \"S307\", \"S608\"]\n",
                 ".github/workflows/ci.yml": "on: [push]\njobs:\n  l:\n    runs-on: ubuntu-latest\n    steps:\n"
                 "      - run: ruff check .\n"}, status="pass", note="a set of flake8-bandit rules chosen one by one"),
        Example({"app/x.py": "x = 1\n", "Makefile": "sast:\n\tbandit -r app\n"}, status="fail",
                note="a make target CI never runs"),
    )

    def evaluate(self, project: Project, collected: Collected, options: Mapping[str, Any]) -> Verdict:
        if not project.python_files:
            return Verdict(NotApplicable("no Python files"))
        repo = repo_files(project)
        runs = _tool_runs(repo, _SAST_HEADS, None, _SAST_ACTION_RE)
        evidence = _run_evidence(runs) + _template_includes(repo, r"(^|/)SAST")
        if _SONARCLOUD_AUTOMATIC in project.files:
            evidence.append(Evidence("SonarCloud automatic analysis of every pull request", _SONARCLOUD_AUTOMATIC, 1))
        ruff_config = _ruff_selects_security(project)
        ci = set(repo.ci_commands())
        ruff_runs = [(cmd, ignored) for _name, cmd, ignored in lint_runs(repo, ("ruff",)) if cmd in ci]
        for cmd, ignored in ruff_runs:
            if ignored:
                continue
            if ruff_config or _RUFF_S_RE.search(cmd.text):
                where = f" (S rules selected in {ruff_config})" if ruff_config else ""
                evidence.append(Evidence(f"ruff with flake8-bandit rules runs in CI{where}", cmd.path, cmd.line))
        flake8_runs = [cmd for _name, cmd, ignored in lint_runs(repo, ("flake8",)) if cmd in ci and not ignored]
        plugin = _flake8_bandit(project, repo) if flake8_runs else None
        if plugin and flake8_runs:
            evidence.append(Evidence(f"flake8 with the flake8-bandit rules runs in CI (plugin declared in {plugin})",
                                     flake8_runs[0].path, flake8_runs[0].line))
        if evidence:
            summary = f"SAST in CI: {evidence[0].message}" + (f" and {len(evidence) - 1} more" if len(evidence) > 1 else "")
        else:
            summary = "CI runs no SAST tool (bandit, Semgrep, CodeQL, SonarQube, ruff S rules)"
        return Verdict(Presence(bool(evidence), "a SAST tool in CI"), summary, tuple(evidence))


_DAST_HEADS = ("zap-baseline.py", "zap-full-scan.py", "zap-api-scan.py", "zap.sh", "nuclei", "nikto", "wapiti",
               "hawk", "dastardly")
_DAST_TEXT_RE = lazy_compile(r"zap-(?:baseline|full-scan|api-scan)\.py|zaproxy/zap|owasp/zap2docker|ghcr\.io/zaproxy|"
                           r"softwaresecurityproject/zap|zaproxy/action-|"
                           r"stackhawk/hawkscan|projectdiscovery/nuclei", re.IGNORECASE)
_DAST_ACTION_RE = lazy_compile(r"zaproxy/action-[\w-]+|hawkscan-action|nuclei-action|dastardly", re.IGNORECASE)


class DastInCI(Check):
    id = "dast-in-ci"
    category = "security-audit"
    severity = "medium"
    effort = "1-2d"
    title = "DAST in CI"
    rationale = (
        "Static analysis cannot see a missing security header, an exposed admin route or a "
        "misconfigured proxy. A dynamic scan against a deployed environment can."
    )
    remediation = (
        "Add a CI job that runs OWASP ZAP (`zaproxy/action-baseline` or `zap-baseline.py -t URL`), "
        "Nuclei or StackHawk against the staging deployment after each deploy or on a schedule."
    )
    scoring = "Presence: 100% when CI runs OWASP ZAP, Nuclei, Nikto, Wapiti, StackHawk or the GitLab DAST template."
    examples = (
        Example({"app/x.py": "x = 1\n", ".github/workflows/dast.yml": (
            "on:\n  schedule: [{cron: '0 3 * * *'}]\njobs:\n  zap:\n    runs-on: ubuntu-latest\n    steps:\n"
            "      - uses: zaproxy/action-baseline@v0.12.0\n        with: {target: 'https://staging.example.com'}\n")},
            status="pass"),
        Example({"app/x.py": "x = 1\n", ".gitlab-ci.yml": (
            "dast:\n  image: ghcr.io/zaproxy/zaproxy:stable\n  script:\n"
            "    - zap-baseline.py -t $STAGING_URL\n")}, status="pass", note="ZAP in GitLab CI"),
        Example({"app/x.py": "x = 1\n", "docs/security.md": "Run OWASP ZAP before releases.\n",
                 ".github/workflows/ci.yml": "on: [push]\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n"
                 "      - run: pytest\n"}, status="fail", note="a note in the docs is not a CI run"),
    )

    def evaluate(self, project: Project, collected: Collected, options: Mapping[str, Any]) -> Verdict:
        if not project.python_files:
            return Verdict(NotApplicable("no Python service"))
        repo = repo_files(project)
        runs = _tool_runs(repo, _DAST_HEADS, _DAST_TEXT_RE, _DAST_ACTION_RE)
        evidence = _run_evidence(runs) + _template_includes(repo, r"DAST")
        if evidence:
            summary = f"DAST in CI: {evidence[0].message}" + (f" and {len(evidence) - 1} more" if len(evidence) > 1 else "")
        else:
            summary = "CI runs no dynamic scan (OWASP ZAP, Nuclei, StackHawk) against a deployed environment"
        return Verdict(Presence(bool(evidence), "a DAST scan in CI"), summary, tuple(evidence))


CHECKS: list[type[Check]] = [SastFindings, DependencyScanning, SastInCI, DastInCI]
