"""Live checks against a deployed HTTP service: health, metrics, headers, rate limits, TLS.

They read ``environment.http`` (or a check's own ``http`` option, which overrides it for that
check). An endpoint that refuses, stalls, breaks TLS or talks garbage makes the check fail
with the reason: a live check passes only on what it observed, and dropping it as an error
would let an unreachable service score better than a reachable one.
"""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING, Any, Mapping

from readiness.checks.base import Check, Collected, Example, Verdict
from readiness.lazy_regex import lazy_compile
from readiness.live import LiveConfigError, environment_part, lazy_module

if TYPE_CHECKING:
    from readiness.live.http_probe import Prober, Response

from readiness.live.redact import Redactor
from readiness.measures import Errored, NotApplicable, Presence, Ratio, Share
from readiness.model import Evidence
from readiness.project import Project

_http_probe = lazy_module("readiness.live.http_probe")  # requests/pymongo load only when a live check runs

_APP = {"app/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n"}
_DEAD = {"base_url": "http://127.0.0.1:1", "timeout": 0.5}


def _na_example(note: str = "no environment.http configured") -> Example:
    return Example(_APP, status="n/a", note=note)


def _dead_example(**extra: Any) -> Example:
    return Example(_APP, status="fail", options={"http": {**_DEAD, **extra}},
                   note="the service does not answer (connection refused): nothing is verified")


_METRIC_NAME_RE = lazy_compile(r"[A-Za-z_:][A-Za-z0-9_:]{0,99}")


def join_url(base: str, path: str) -> str:
    """``base`` plus a path; a path that is a full URL stands alone."""
    if re.match(r"^https?://", path):
        return path
    return base.rstrip("/") + "/" + path.lstrip("/")


class _HttpCheck(Check):
    kind = "live"
    options: Mapping[str, Any] = {"http": {}}

    def evaluate(self, project: Project, collected: Collected, options: Mapping[str, Any]) -> Verdict:
        try:
            http = environment_part(project, options, "http")
        except LiveConfigError as exc:
            return Verdict(Errored(str(exc)))
        if not http or not http.get("base_url"):
            return Verdict(NotApplicable("no HTTP service configured (environment.http.base_url)"))
        env = getattr(project.settings, "data", {}).get("environment") if project.settings else None
        redact = Redactor.for_environment(env, {"http": http})
        blocked = _blocked(str(http["base_url"]), bool(http.get("allow_private")))
        if blocked:
            return Verdict(Errored(redact(blocked)))
        try:
            verdict = self.probe(http, redact)
        except Exception as exc:  # a probe bug: report it, but never with a credential in it
            return Verdict(Errored(redact(f"{type(exc).__name__}: {exc}")))
        return Verdict(
            verdict.measure, summary=redact(verdict.summary),
            evidence=tuple(Evidence(redact(e.message), e.path, e.line) for e in verdict.evidence),
        )

    def probe(self, http: Mapping[str, Any], redact: Redactor) -> Verdict:
        raise NotImplementedError

    @staticmethod
    def prober(http: Mapping[str, Any]) -> Prober:
        verify: bool | str = bool(http.get("verify_tls", True))
        if verify and http.get("ca_bundle"):
            verify = str(http["ca_bundle"])
        return _http_probe.Prober(
            timeout=float(http["timeout"]), deadline=http.get("deadline"), headers=http.get("headers") or {},
            verify=verify, max_bytes=int(http.get("max_body_bytes") or 1024 * 1024),
            allow_private=bool(http.get("allow_private")),
        )


def _blocked(url: str, allow_private: bool) -> str | None:
    """Why the operator's egress policy keeps the probe away from ``url``, or None."""
    from urllib.parse import urlsplit

    from readiness.live.egress import BlockedAddress, vet_host

    try:
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return None  # the probe itself reports the bad URL
    if not host:
        return None
    try:
        vet_host(host, port, allow_private=allow_private)
    except BlockedAddress as exc:
        return f"not probed: {exc}"
    except OSError:
        return None  # does not resolve: the probe reports it as usual
    return None


def _no_answer(url: str, reason: str) -> Verdict:
    return Verdict(Presence(False, "answer from the service"), summary=f"{url}: {reason}")


class LiveHealth(_HttpCheck):
    id = "live-health"
    category = "monitoring"
    severity = "critical"
    effort = "0.5d"
    title = "Health endpoints answer"
    rationale = (
        "Load balancers and orchestrators route traffic by the health and readiness endpoints. One "
        "that is missing, failing or slow takes the service out of rotation, or keeps a broken one in."
    )
    remediation = (
        "Serve cheap `/health` (process alive) and `/ready` (dependencies reachable) endpoints that answer "
        "2xx fast; list them under `environment.http.health`."
    )
    scoring = "Share: health endpoints answering 2xx within `latency_budget_ms`."
    examples = (
        _na_example(),
        _dead_example(health=["/health", "/ready"]),
    )

    def probe(self, http: Mapping[str, Any], redact: Redactor) -> Verdict:
        paths = list(http.get("health") or [])
        if not paths:
            return Verdict(NotApplicable("no health paths configured (environment.http.health)"))
        budget = float(http.get("latency_budget_ms") or 1000)
        good, problems, evidence = 0, [], []
        with self.prober(http) as prober:
            for path in paths:
                url = join_url(http["base_url"], path)
                try:
                    resp = prober.request(url, max_bytes=64 * 1024)
                except _http_probe.ProbeError as exc:
                    problems.append(f"{path}: {exc}")
                    continue
                if not resp.ok:
                    problems.append(f"{path}: answered {resp.status}")
                elif resp.elapsed_ms > budget:
                    problems.append(f"{path}: {resp.status} took {resp.elapsed_ms:.0f} ms (budget {budget:g} ms)")
                else:
                    good += 1
                    evidence.append(Evidence(f"{path} answered {resp.status} in {resp.elapsed_ms:.0f} ms"))
        summary = f"{good} of {len(paths)} health endpoints answer 2xx within {budget:g} ms"
        if problems:
            summary += ": " + "; ".join(problems)
        return Verdict(Share(good, len(paths), "health endpoints", f"answer 2xx within {budget:g} ms"),
                       summary=summary, evidence=tuple(evidence))


class LiveMetrics(_HttpCheck):
    id = "live-metrics"
    category = "monitoring"
    severity = "high"
    effort = "1d"
    title = "Metrics endpoint serves Prometheus text"
    rationale = (
        "Dashboards and alerts are only as good as the scrape behind them. An endpoint that is missing, "
        "protected by mistake or emits text Prometheus rejects leaves the service unobserved."
    )
    remediation = (
        "Expose the registry with prometheus_client (`make_asgi_app()`, `start_http_server`) or the "
        "framework's instrumentator, and set `environment.http.metrics` to its path."
    )
    scoring = "Presence: the metrics URL answers 2xx and its body parses as Prometheus text exposition."
    examples = (
        _na_example(),
        _dead_example(metrics="/metrics"),
    )

    def probe(self, http: Mapping[str, Any], redact: Redactor) -> Verdict:
        if not http.get("metrics"):
            return Verdict(NotApplicable("no metrics path configured (environment.http.metrics)"))
        url = join_url(http["base_url"], str(http["metrics"]))
        with self.prober(http) as prober:
            try:
                resp = prober.request(url)
            except _http_probe.ProbeError as exc:
                return _no_answer(url, str(exc))
        if not resp.ok:
            return Verdict(Presence(False, "Prometheus metrics"), summary=f"{url} answered {resp.status}")
        families, problem = parse_metrics(resp)
        if problem:
            return Verdict(Presence(False, "Prometheus metrics"), summary=f"{url}: {problem}")
        if not families:
            return Verdict(Presence(False, "Prometheus metrics"), summary=f"{url} serves no metric families")
        named = [f for f in families if _METRIC_NAME_RE.fullmatch(f)]  # nothing else of the body is echoed
        shown = ", ".join(named[:25]) + (f" and {len(families) - min(len(named), 25)} more" if len(families) > 25 else "")
        note = f" (first {len(resp.body) // 1024} KB parsed; the body is larger)" if resp.truncated else ""
        return Verdict(
            Presence(True, "Prometheus metrics"),
            summary=f"{len(families)} metric families at {url}{note}",
            evidence=(Evidence(f"metric families: {shown}"),),
        )


def parse_metrics(resp: Response) -> tuple[list[str], str]:
    """Family names, or an error; a truncated body is parsed up to its last complete line."""
    body = resp.body
    if resp.truncated:
        body = body[: body.rfind(b"\n") + 1]
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return [], "the body does not parse as Prometheus text (not UTF-8)"
    content_type = resp.headers.get("content-type", "")
    try:
        if "openmetrics" in content_type:
            from prometheus_client.openmetrics.parser import text_string_to_metric_families as parse
        else:
            from prometheus_client.parser import text_string_to_metric_families as parse
        families = [family.name for family in parse(text)]
    except Exception as exc:  # the parser raises ValueError, IndexError, ... on junk
        # The parser's message quotes the body, which may be anything (a metadata service's
        # credentials): only the exception's type is shown.
        return [], f"the body does not parse as Prometheus text ({type(exc).__name__})"
    return sorted(set(families)), ""


_BANNER_HEADERS = ("x-powered-by", "x-aspnet-version", "x-aspnetmvc-version", "x-runtime-version")


def header_rules(resp: Response, https: bool) -> list[tuple[str, bool, str]]:
    """(rule, holds, detail) for each security header rule that applies."""
    h = resp.headers
    rules: list[tuple[str, bool, str]] = []
    if https:
        hsts = h.get("strict-transport-security", "")
        match = re.search(r"max-age\s*=\s*\"?(\d+)", hsts, re.IGNORECASE)
        rules.append(("HSTS", bool(match and int(match.group(1)) > 0),
                      f"Strict-Transport-Security: {hsts}" if hsts else "no Strict-Transport-Security"))
    nosniff = h.get("x-content-type-options", "").strip().lower() == "nosniff"
    rules.append(("X-Content-Type-Options", nosniff,
                  "X-Content-Type-Options: nosniff" if nosniff else "no X-Content-Type-Options: nosniff"))
    csp = h.get("content-security-policy", "")
    xfo = h.get("x-frame-options", "").strip().upper()
    framing = bool(csp) or xfo in ("DENY", "SAMEORIGIN")
    detail = "Content-Security-Policy" if csp else (f"X-Frame-Options: {xfo}" if framing else "no CSP and no X-Frame-Options")
    rules.append(("CSP or frame protection", framing, detail))
    banners = [f"Server: {h['server']}"] if re.search(r"\d", h.get("server", "")) else []
    banners += [f"{name}: {h[name]}" for name in _BANNER_HEADERS if name in h]
    rules.append(("no version banners", not banners, "; ".join(banners) if banners else "no version banners"))
    return rules


class LiveSecurityHeaders(_HttpCheck):
    id = "live-security-headers"
    category = "security-audit"
    severity = "high"
    effort = "0.5d"
    title = "Security headers on responses"
    rationale = (
        "Browsers enforce HTTPS, MIME types and framing only when told to. Missing headers leave "
        "downgrade, content sniffing and clickjacking open; version banners tell attackers which "
        "exploits to try."
    )
    remediation = (
        "Add Strict-Transport-Security (HTTPS), `X-Content-Type-Options: nosniff`, a Content-Security-Policy "
        "(or X-Frame-Options: DENY) in a middleware or the proxy; drop X-Powered-By and version numbers "
        "from Server."
    )
    scoring = "Share: rules that hold on the base URL's answer (HSTS counts on HTTPS only)."
    examples = (
        _na_example(),
        _dead_example(),
    )

    def probe(self, http: Mapping[str, Any], redact: Redactor) -> Verdict:
        url = str(http["base_url"])
        with self.prober(http) as prober:
            try:
                resp = prober.request(url, max_bytes=64 * 1024)
            except _http_probe.ProbeError as exc:
                return _no_answer(url, str(exc))
        rules = header_rules(resp, url.lower().startswith("https://"))
        good = sum(1 for _, holds, _ in rules if holds)
        problems = [detail for _, holds, detail in rules if not holds]
        summary = f"{good} of {len(rules)} security header rules hold on {url}"
        if problems:
            summary += ": " + "; ".join(problems)
        return Verdict(
            Share(good, len(rules), "security header rules", "hold"), summary=summary,
            evidence=tuple(Evidence(detail) for _, holds, detail in rules if holds),
        )


_LIMIT_HEADERS = ("ratelimit", "ratelimit-limit", "ratelimit-remaining", "ratelimit-reset", "ratelimit-policy",
                  "x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset", "x-rate-limit-limit",
                  "x-rate-limit-remaining")


def limit_signal(resp: Response) -> str:
    """What shows that rate limiting is on, or ''."""
    if resp.status == 429:
        retry = resp.headers.get("retry-after")
        return "429 Too Many Requests" + (f" (Retry-After: {retry})" if retry else "")
    for name in _LIMIT_HEADERS:
        if name in resp.headers:
            return f"{name}: {resp.headers[name][:60]}"
    return ""


class LiveRateLimit(_HttpCheck):
    id = "live-rate-limit"
    category = "api"
    severity = "medium"
    effort = "1-2d"
    title = "Rate limiting answers a burst"
    rationale = (
        "Without a rate limit one client (a retry loop, a scraper) can exhaust the service for everyone. "
        "A limit that exists only in code but not in front of the deployed service protects nothing."
    )
    remediation = (
        "Limit requests per client at the gateway or in the app (slowapi, django-ratelimit, nginx "
        "`limit_req`), answering 429 with `RateLimit`/`Retry-After` headers."
    )
    scoring = (
        "Presence: a bounded burst (`rate_limit.burst` requests over `rate_limit.duration` s) meets a 429 "
        "or RateLimit/X-RateLimit headers; the probe never sends more than `burst` requests."
    )
    examples = (
        _na_example(),
        _dead_example(rate_limit={"path": "/api/v1/orders", "burst": 3, "duration": 0.3}),
    )

    def probe(self, http: Mapping[str, Any], redact: Redactor) -> Verdict:
        spec = http.get("rate_limit")
        if not spec or not spec.get("path"):
            return Verdict(NotApplicable("no rate limit probe configured (environment.http.rate_limit.path)"))
        burst = int(spec.get("burst") or 10)
        duration = float(spec.get("duration") if spec.get("duration") is not None else 2)
        method = str(spec.get("method") or "GET").upper()
        if burst < 1:
            return Verdict(Errored("rate_limit.burst must be at least 1"))
        url = join_url(http["base_url"], str(spec["path"]))
        interval = duration / burst
        started = time.monotonic()
        with self.prober(http) as prober:
            for sent in range(1, burst + 1):
                try:
                    resp = prober.request(url, method=method, max_bytes=16 * 1024)
                except _http_probe.ProbeError as exc:
                    return _no_answer(url, f"request {sent} of {burst}: {exc}")
                signal = limit_signal(resp)
                if signal:
                    return Verdict(Presence(True, "rate limit"),
                                   summary=f"{signal} after {sent} of at most {burst} requests to {url}",
                                   evidence=(Evidence(f"{method} {url}: {signal}"),))
                pause = started + sent * interval - time.monotonic()
                if pause > 0 and sent < burst:
                    time.sleep(pause)
        spent = time.monotonic() - started
        return Verdict(
            Presence(False, "rate limit"),
            summary=f"{burst} requests to {url} in {spent:.1f} s met no 429 and no RateLimit/X-RateLimit headers",
        )


class LiveTls(_HttpCheck):
    id = "live-tls"
    category = "security-audit"
    severity = "high"
    effort = "0.5d"
    title = "TLS certificate valid and not expiring"
    rationale = (
        "An expired or untrusted certificate takes a service down for every client at once, usually "
        "at night. Renewal must be automatic and checked."
    )
    remediation = (
        "Automate renewal (cert-manager, ACME, the cloud load balancer's managed certificates) well before "
        "expiry and serve the full chain; alert when fewer than `min_tls_days` days remain."
    )
    scoring = "Ratio: days until the certificate expires against `min_tls_days`; an invalid chain scores 0."
    examples = (
        _na_example(),
        Example(_APP, status="n/a", options={"http": {"base_url": "http://127.0.0.1:1", "timeout": 0.5}},
                note="plain HTTP: no certificate to check"),
        Example(_APP, status="fail", options={"http": {"base_url": "https://127.0.0.1:1", "timeout": 0.5}},
                note="the service does not answer: no certificate verified"),
    )

    def probe(self, http: Mapping[str, Any], redact: Redactor) -> Verdict:
        url = str(http["base_url"])
        if not url.lower().startswith("https://"):
            return Verdict(NotApplicable(f"{redact(url)} is not HTTPS: no certificate to check"))
        minimum = int(http.get("min_tls_days") if http.get("min_tls_days") is not None else 14)
        try:
            cert = _http_probe.peer_certificate(url, timeout=float(http["timeout"]), deadline=http.get("deadline"),
                                    cafile=http.get("ca_bundle"), allow_private=bool(http.get("allow_private")))
        except _http_probe.ProbeError as exc:
            return Verdict(Presence(False, "valid certificate chain"), summary=f"{url}: {exc}")
        days = cert.days_left()
        expires = time.strftime("%Y-%m-%d", time.gmtime(cert.not_after))
        whole = max(0, int(days))
        summary = f"certificate of {cert.subject or url} expires in {whole} days ({expires}); minimum {minimum}"
        return Verdict(
            Ratio(float(whole), float(minimum), "days until the certificate expires:", unit=""),
            summary=summary, evidence=(Evidence(f"certificate issued by {cert.issuer or 'unknown'}, valid until {expires}"),),
        )


CHECKS: list[type[Check]] = [LiveHealth, LiveMetrics, LiveSecurityHeaders, LiveRateLimit, LiveTls]
