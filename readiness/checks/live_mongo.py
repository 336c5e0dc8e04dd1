"""Live checks against a MongoDB deployment: reachable, secured, encrypted, transactional, current.

They read ``environment.mongodb`` (or a check's own ``mongodb`` option). The deployment is
asked once per scan (``Project.tool`` caches the observation), so five checks cost one
connection and a server that stalls costs one timeout, not five. A server that does not
answer makes every check fail with the reason: nothing it should guarantee was observed.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Mapping

from readiness.checks.base import Check, Collected, Example, Verdict
from readiness.live import LiveConfigError, environment_part, lazy_module

if TYPE_CHECKING:
    from readiness.live.mongo_probe import AuthProbe, Observation

from readiness.live.redact import Redactor
from readiness.measures import Errored, NotApplicable, Presence
from readiness.model import Evidence
from readiness.project import Project

_mongo_probe = lazy_module("readiness.live.mongo_probe")  # requests/pymongo load only when a live check runs

_APP = {"app/db.py": "import os\n\nfrom pymongo import MongoClient\n\nclient = MongoClient(os.environ['MONGODB_URI'])\n"}
_DEAD = {"uri": "mongodb://127.0.0.1:1/", "timeout": 0.3}


def _na_example() -> Example:
    return Example(_APP, status="n/a", note="no environment.mongodb configured")


def _dead_example(note: str = "the server does not answer: nothing is verified", **extra: Any) -> Example:
    return Example(_APP, status="fail", options={"mongodb": {**_DEAD, **extra}}, note=note)


class _MongoCheck(Check):
    kind = "live"
    options: Mapping[str, Any] = {"mongodb": {}}

    def evaluate(self, project: Project, collected: Collected, options: Mapping[str, Any]) -> Verdict:
        try:
            mongo = environment_part(project, options, "mongodb")
        except LiveConfigError as exc:
            return Verdict(Errored(str(exc)))
        if not mongo or not mongo.get("uri"):
            return Verdict(NotApplicable("no MongoDB configured (environment.mongodb.uri)"))
        env = getattr(project.settings, "data", {}).get("environment") if project.settings else None
        redact = Redactor.for_environment(env, {"mongodb": mongo})
        try:
            _mongo_probe.vet_uri(str(mongo["uri"]), allow_private=bool(mongo.get("allow_private")))
            verdict = self.judge(project, mongo)
        except _mongo_probe.MongoConfigError as exc:
            return Verdict(Errored(redact(str(exc))))
        except Exception as exc:  # a probe bug: report it, but never with a credential in it
            return Verdict(Errored(redact(f"{type(exc).__name__}: {exc}")))
        return Verdict(
            verdict.measure, summary=redact(verdict.summary),
            evidence=tuple(Evidence(redact(e.message), e.path, e.line) for e in verdict.evidence),
        )

    def judge(self, project: Project, mongo: Mapping[str, Any]) -> Verdict:
        raise NotImplementedError

    @staticmethod
    def observation(project: Project, mongo: Mapping[str, Any]) -> Observation:
        uri, timeout = str(mongo["uri"]), float(mongo["timeout"])
        return project.tool(f"mongo-observe\0{uri}\0{timeout}", lambda _p: _mongo_probe.observe(uri, timeout))

    @staticmethod
    def auth_probe(project: Project, mongo: Mapping[str, Any]) -> AuthProbe:
        uri, timeout = str(mongo["uri"]), float(mongo["timeout"])
        return project.tool(f"mongo-auth\0{uri}\0{timeout}", lambda _p: _mongo_probe.unauthenticated_listing(uri, timeout))


def _unreachable(obs: Observation) -> Verdict:
    return Verdict(Presence(False, "answer from MongoDB"), summary=f"not verified: {obs.target}: {obs.error}")


class MongoReachable(_MongoCheck):
    id = "mongo-reachable"
    category = "db-transactions"
    severity = "critical"
    effort = "0.5d"
    title = "MongoDB answers"
    rationale = (
        "The service cannot work without its database. A deployment that does not answer within the "
        "configured timeout is down, firewalled off, or reached with the wrong address or credentials."
    )
    remediation = (
        "Check the URI, the network path (firewall, security groups, VPC peering, IP allow list) and the "
        "credentials; give clients timeouts so an outage fails fast."
    )
    scoring = "Presence: ping, hello and buildInfo answered within `timeout` with the configured credentials."
    examples = (_na_example(), _dead_example())

    def judge(self, project: Project, mongo: Mapping[str, Any]) -> Verdict:
        obs = self.observation(project, mongo)
        if not obs.reachable:
            return Verdict(Presence(False, "answer from MongoDB"), summary=f"{obs.target}: {obs.error}")
        return Verdict(
            Presence(True, "answer from MongoDB"),
            summary=f"MongoDB {obs.version} ({obs.topology}) answered ping in {obs.latency_ms:.0f} ms",
            evidence=(Evidence(f"MongoDB {obs.version} at {obs.target}"),),
        )


class MongoAuthRequired(_MongoCheck):
    id = "mongo-auth-required"
    category = "database-security"
    severity = "critical"
    effort = "1d"
    title = "MongoDB requires authentication"
    rationale = (
        "A MongoDB that lets anyone list and read databases is the classic data breach; exposed "
        "unauthenticated instances are found by scanners within hours."
    )
    remediation = (
        "Start mongod with `security.authorization: enabled` (Atlas and the operators do by default), create "
        "least-privilege users, and connect with credentials from a secrets manager."
    )
    scoring = "Presence: a client without credentials is refused `listDatabases`."
    examples = (_na_example(), _dead_example())

    def judge(self, project: Project, mongo: Mapping[str, Any]) -> Verdict:
        probe = self.auth_probe(project, mongo)
        target = self.observation(project, mongo).target if probe.outcome == "unreachable" else ""
        if probe.outcome == "denied":
            return Verdict(Presence(True, "authentication requirement"),
                           summary="an unauthenticated client is refused listDatabases",
                           evidence=(Evidence(probe.detail),))
        if probe.outcome == "allowed":
            return Verdict(Presence(False, "authentication requirement"),
                           summary=f"an unauthenticated client listed databases ({probe.detail}): authentication is off")
        return Verdict(Presence(False, "authentication requirement"), summary=f"not verified: {target}: {probe.detail}")


class MongoTls(_MongoCheck):
    id = "mongo-tls"
    category = "database-security"
    severity = "high"
    effort = "1d"
    title = "MongoDB connections use verified TLS"
    rationale = (
        "Without TLS, credentials and documents cross the network in clear text; TLS without certificate "
        "verification stops eavesdroppers but not an attacker in the middle."
    )
    remediation = (
        "Enable `net.tls.mode: requireTLS` on the server and connect with `tls=true` (mongodb+srv:// implies "
        "it) and a trusted CA (`tlsCAFile`); never `tlsInsecure` or `tlsAllowInvalidCertificates`. Set "
        "`environment.mongodb.tls: false` when a mesh encrypts the link instead."
    )
    scoring = "Presence: the connection is TLS with certificate verification, and the server answers over it."
    examples = (
        _na_example(),
        Example(_APP, status="n/a", options={"mongodb": {**_DEAD, "tls": False}},
                note="TLS not expected (a service mesh encrypts the link)"),
        _dead_example(note="no tls=true in the URI: the connection would be clear text"),
    )

    def judge(self, project: Project, mongo: Mapping[str, Any]) -> Verdict:
        if mongo.get("tls") is False:
            return Verdict(NotApplicable("TLS is not expected (environment.mongodb.tls: false)"))
        obs = self.observation(project, mongo)
        if not obs.tls:
            return Verdict(Presence(False, "TLS connection"),
                           summary="the connection is not encrypted: the URI does not enable TLS (tls=true)")
        if not obs.tls_verified:
            return Verdict(Presence(False, "TLS connection"),
                           summary="TLS without certificate verification (tlsInsecure / tlsAllowInvalid* in the URI)")
        if not obs.reachable:
            return _unreachable(obs)
        return Verdict(Presence(True, "TLS connection"), summary="the connection uses TLS with a verified certificate",
                       evidence=(Evidence(f"TLS to {obs.target}"),))


class MongoReplicaSet(_MongoCheck):
    id = "mongo-replica-set"
    category = "db-transactions"
    severity = "high"
    effort = "2-3d"
    title = "MongoDB runs as a replica set"
    rationale = (
        "Multi-document transactions need a replica set or a sharded cluster, and so does failover: a "
        "standalone server is one disk or one restart away from an outage."
    )
    remediation = (
        "Run a replica set of at least three members (a single-member set also enables transactions in "
        "small setups) or a managed cluster; connect with its `replicaSet` name."
    )
    scoring = "Presence: `hello` reports a replica set (setName) or a mongos router."
    examples = (_na_example(), _dead_example())

    def judge(self, project: Project, mongo: Mapping[str, Any]) -> Verdict:
        obs = self.observation(project, mongo)
        if not obs.reachable:
            return _unreachable(obs)
        if obs.supports_transactions:
            return Verdict(Presence(True, "replica set or sharded cluster"), summary=f"hello reports a {obs.topology}",
                           evidence=(Evidence(obs.topology),))
        return Verdict(Presence(False, "replica set or sharded cluster"),
                       summary="hello reports a standalone server: transactions need a replica set or sharded cluster")


def version_tuple(text: str) -> tuple[int, ...] | None:
    match = re.match(r"^\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?", str(text))
    if match is None:
        return None
    return tuple(int(part) for part in match.groups(default="0"))


class MongoVersionSupported(_MongoCheck):
    id = "mongo-version-supported"
    category = "database-security"
    severity = "medium"
    effort = "2-3d"
    title = "MongoDB version supported"
    rationale = (
        "Versions past end of life get no security fixes, and drivers drop them. Upgrades take several "
        "steps (one major version at a time), so they must start before support ends."
    )
    remediation = "Upgrade one major version at a time to a supported release; set `min_version` to the oldest you accept."
    scoring = "Presence: the server's buildInfo version is at least `environment.mongodb.min_version`."
    examples = (_na_example(), _dead_example())

    def judge(self, project: Project, mongo: Mapping[str, Any]) -> Verdict:
        minimum = version_tuple(str(mongo.get("min_version") or "6.0"))
        if minimum is None:
            return Verdict(Errored(f"min_version '{mongo.get('min_version')}' is not a version"))
        obs = self.observation(project, mongo)
        if not obs.reachable:
            return _unreachable(obs)
        found = version_tuple(obs.version)
        if found is None:
            return Verdict(Errored(f"the server reports an unreadable version '{obs.version[:40]}'"))
        wanted = ".".join(str(p) for p in minimum[:2])
        if found >= minimum:
            return Verdict(Presence(True, "supported MongoDB version"), summary=f"MongoDB {obs.version} (minimum {wanted})",
                           evidence=(Evidence(f"MongoDB {obs.version}"),))
        return Verdict(Presence(False, "supported MongoDB version"),
                       summary=f"MongoDB {obs.version} is older than the minimum {wanted}")


CHECKS: list[type[Check]] = [MongoReachable, MongoAuthRequired, MongoTls, MongoReplicaSet, MongoVersionSupported]
