"""sast-findings reads the code around bandit's findings before counting them.

Real services write SQL from a constant column list and the ORM's table name, pick a provider
with ``random.choices`` and wrap literal HTML in ``mark_safe``. bandit flags each; a reviewer
dismisses each. The same shapes with a request value, a one-time code or unescaped data stay.
"""

from __future__ import annotations

from pathlib import Path

from helpers import check_result, scan_json, scan_tree, write_tree

DAO = '''\
import logging

from django.db import connection

from app.models import Notification

FIELDS_TO_ARCHIVE = ("id", "job_id", "status", "created_at")
ARCHIVE_CTE = """
WITH old AS (SELECT id FROM notifications WHERE created_at < %(cutoff)s)
"""

logger = logging.getLogger(__name__)


def archive(cutoff):
    fields = ", ".join(FIELDS_TO_ARCHIVE)
    sql = f"""
        INSERT INTO notification_history ({fields})
        SELECT {fields} FROM notifications WHERE created_at < %s
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [cutoff])


def count_old(cursor, cutoff):
    cursor.execute(ARCHIVE_CTE + """
        SELECT count(*) FROM old
    """, {"cutoff": cutoff})


def bulk_update(model, batch, names):
    meta = model._meta
    columns = [meta.get_field(name).column for name in names]
    row = "(" + ",".join(["%s"] * (1 + len(names))) + ")"
    rows = ",".join([row] * len(batch))
    cols = ", ".join(f"c{i}" for i in range(1 + len(names)))
    sets = ", ".join(f'"{col}" = v.c{i + 1}' for i, col in enumerate(columns))
    sql = (
        f'UPDATE "{meta.db_table}" AS t '
        f"SET {sets} FROM (VALUES {rows}) AS v({cols}) "
        f'WHERE t."{meta.pk.column}" = v.c0'
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [])


def save(pk, data):
    sql = "UPDATE {table} SET data = %s WHERE id = %s".format(table=Notification._meta.db_table)
    connection.cursor().execute(sql, [data, pk])


def search(cursor, order_by):
    cursor.execute(f"SELECT id FROM notifications ORDER BY {order_by}")


def by_status(cursor, request):
    status = request.args["status"]
    query = "SELECT id FROM notifications WHERE status = '%s'" % status
    cursor.execute(query)
'''

RANDOM = '''\
import random
import string
import time


def choose_provider(providers):
    weights = [p.priority for p in providers]
    chosen = random.choices(providers, weights=weights)[0]
    return chosen


def backoff():
    time.sleep(random.randint(50, 100) / 1000.0)


def attachment_name(name):
    suffix = "".join(random.choices(string.ascii_lowercase, k=8))
    return f"{name}-{suffix}"


def send_email_otp(person):
    count = random.randint(0, 999999999)
    return count


def reset_password_token():
    return "".join(random.choice(string.ascii_letters) for _ in range(32))


def create_random_identifier():
    return "".join(random.choice(string.ascii_uppercase + string.digits) for _ in range(16))
'''

MARKUP = '''\
import json

import bleach
import markdown
from django.utils.html import escape
from django.utils.safestring import mark_safe
from markupsafe import Markup


def page_break():
    return mark_safe('<div class="report-page-break">Page Break</div>')


def render_markdown(value):
    html = markdown.markdown(value)
    return mark_safe(bleach.clean(html, tags=["p", "em"]))


def highlight(text, words):
    escaped = escape(text)
    for word in words:
        safe_word = escape(word)
        escaped = escaped.replace(safe_word, f"<mark>{safe_word}</mark>")
    return Markup(escaped)


def as_json(value):
    return mark_safe(json.dumps(value))


def admin_names(assets):
    names = "".join(f"<li>{a.name}</li>" for a in assets)
    return mark_safe(f"<ul>{names}</ul>")
'''


def _sast(root: Path) -> list[tuple[int, str]]:
    result = scan_tree(root, select=["sast-findings"])
    assert check_result(result, "sast-findings").status != "error"
    return sorted((f.line, f.code) for f in result.findings if f.check == "sast-findings")


def test_sql_from_constants_and_schema_names_is_not_injection(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/dao.py": DAO})
    found = [line for line, code in _sast(tmp_path) if code == "B608"]
    # Only the ORDER BY from a parameter and the request value formatted into SQL stay.
    assert found == [53, 58]


def test_random_outside_secrets_is_not_a_finding(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/picks.py": RANDOM})
    found = [line for line, code in _sast(tmp_path) if code == "B311"]
    assert found == [22, 27, 31]  # an OTP, a reset token, an identifier


def test_markup_over_literals_and_escaped_text_is_not_a_finding(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/html.py": MARKUP})
    found = _sast(tmp_path)
    markup = [(line, code) for line, code in found if code in ("B308", "B703", "B704")]
    # One finding per call: bandit's B308 and B703 both fire on each mark_safe.
    assert [line for line, _ in markup] == [28, 33]


def test_mark_safe_is_one_finding_naming_both_tests(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/html.py": MARKUP})
    data = scan_json(tmp_path, "--select", "sast-findings")
    on_28 = [f for f in data["findings"] if f["line"] == 28]
    assert len(on_28) == 1
    assert "also bandit B703" in on_28[0]["message"] or "also bandit B308" in on_28[0]["message"]


def test_sql_from_a_parameter_in_a_helper_stays(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/report.py": (
        "def table_rows(cursor, columns):\n"
        "    names = columns.strip()\n"
        "    cursor.execute(f'SELECT {names} FROM report')\n"
    )})
    assert [code for _, code in _sast(tmp_path)] == ["B608"]


def test_a_table_name_from_a_parameter_is_cleared(tmp_path: Path) -> None:
    """Only a table's name goes after FROM; the caller's table name is the code's, not the client's."""
    write_tree(tmp_path, {"app/report.py": (
        "def table_rows(cursor, table):\n"
        "    name = table.strip()\n"
        "    cursor.execute(f'SELECT * FROM {name}')\n"
    )})
    assert _sast(tmp_path) == []


CALLS = (
    "import random\n\nimport requests\n\n\n"
    "def fetch(url):\n    return requests.get(url)\n\n\n"
    "def new_token(user):\n    assert user.is_staff\n    return random.random()\n"
)


def test_the_projects_bandit_skips_are_honoured(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "app/calls.py": CALLS,
        "pyproject.toml": '[tool.bandit]\nexclude_dirs = ["tests"]\nskips = ["B101", "B113", "not-a-test"]\n',
    })
    result = scan_tree(tmp_path, select=["sast-findings", "missing-timeout"])
    codes = sorted((f.check, f.code) for f in result.findings)
    # B113 is skipped by the project; the missing timeout is still missing-timeout's finding.
    assert codes == [("missing-timeout", ""), ("sast-findings", "B311")]
    assert "pyproject.toml skips B101, B113" in check_result(result, "sast-findings").summary


def test_skips_in_an_ini_or_yaml_bandit_file(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/calls.py": CALLS, ".bandit": "[bandit]\nskips = B101,B311\n"})
    assert [code for _, code in _sast(tmp_path)] == ["B113"]
    write_tree(tmp_path / "other", {"app/calls.py": CALLS, "bandit.yaml": "skips: ['B311', 'B113']\n"})
    assert [code for _, code in _sast(tmp_path / "other")] == ["B101"]


def test_without_bandit_configuration_every_test_runs(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/calls.py": CALLS, "tox.ini": "[tox]\nenvlist = py311\n"})
    assert sorted(code for _, code in _sast(tmp_path)) == ["B101", "B113", "B311"]


def test_sql_from_a_list_that_grows_with_request_values_stays(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/segments.py": (
        "def counts(cursor, segments):\n"
        "    columns: list[str] = []\n"
        "    for seg in segments:\n"
        "        columns.append(f\"countIf({seg.rule}) AS c{seg.id}\")\n"
        "    cursor.execute(f\"SELECT env, {', '.join(columns)} FROM identities\")\n"
    )})
    assert [code for _, code in _sast(tmp_path)] == ["B608"]


def test_weak_hash_for_a_cache_key_is_not_a_finding(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/keys.py": (
        "import hashlib\n\n\n"
        "def cache_key(*parts):\n"
        "    digest = hashlib.md5(':'.join(str(p) for p in parts).encode()).hexdigest()\n"
        "    return f'machinery:{digest}'\n\n\n"
        "def hash_password(password):\n"
        "    return hashlib.md5(password.encode()).hexdigest()\n\n\n"
        "def reset_token(email):\n"
        "    return hashlib.sha1(email.encode()).hexdigest()\n\n\n"
        "def digest(data):\n"
        "    return hashlib.sha1(data).hexdigest()\n"
    )})
    assert _sast(tmp_path) == [(10, "B324"), (14, "B324")]  # the bare digest protects nothing
