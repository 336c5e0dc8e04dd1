"""An example readiness plugin: one check, shipped through the ``readiness.checks`` entry point."""

from __future__ import annotations

import ast
from typing import Any, Mapping

from readiness.checks.base import Check, Collected, FileOutcome, Hit, Verdict, bad, good
from readiness.measures import Density
from readiness.paths import is_application_path
from readiness.project import Project
from readiness.source import SourceFile


class NoEval(Check):
    id = "no-eval"
    category = "security-audit"
    severity = "high"
    effort = "1d"
    title = "eval() or exec() in service code"
    rationale = "eval and exec run whatever text reaches them; in a service that text can come from a request."
    remediation = "Parse the input (json.loads, ast.literal_eval) or dispatch on a fixed table of functions."
    scoring = "Density: calls per 1 000 lines; 0% at 2."
    needles = ("eval", "exec")
    examples = (
        bad("def run(expr):\n    return eval(expr)\n", lines=(2,)),
        good("import ast\n\ndef run(expr):\n    return ast.literal_eval(expr)\n"),
        good("def run(model):\n    return model.eval()\n", note="a method named eval"),
    )

    def check_file(self, source: SourceFile, options: Mapping[str, Any]) -> FileOutcome | None:
        if not is_application_path(source.path):
            return None
        out = FileOutcome()
        for call in source.nodes(ast.Call):
            assert isinstance(call, ast.Call)
            if isinstance(call.func, ast.Name) and call.func.id in ("eval", "exec"):
                out.hits.append(Hit(call.lineno, call.col_offset + 1, f"{call.func.id}() runs arbitrary code"))
        return out

    def evaluate(self, project: Project, collected: Collected, options: Mapping[str, Any]) -> Verdict:
        count = len(collected.findings)
        return Verdict(Density(count, project.app_lines or project.lines, "eval()/exec() calls", 2.0),
                       summary=f"{count} eval()/exec() call{'s' if count != 1 else ''}")


CHECKS = [NoEval]
