"""Credentials are masked in URIs, headers and free text."""

from __future__ import annotations

from readiness.live.redact import MASK, Redactor, redact_headers, redact_uri, secrets_in


def test_userinfo_and_query_secrets_in_uris() -> None:
    assert redact_uri("mongodb://app:s3cret@db:27017/?authSource=admin") == f"mongodb://app:{MASK}@db:27017/?authSource=admin"
    assert redact_uri("https://ghp_0123456789abcdef@host/x") == f"https://{MASK}@host/x"  # a lone user part may be a token
    assert "ghp_0123456789abcdef" in secrets_in({"http": {"base_url": "https://ghp_0123456789abcdef@host/x"}})
    assert redact_uri("https://h/x?api_key=abc&page=2&token=t0k") == f"https://h/x?api_key={MASK}&page=2&token={MASK}"
    assert redact_uri("mongodb+srv://u:p%40ss@cluster/?tlsCertificateKeyFilePassword=pw") == (
        f"mongodb+srv://u:{MASK}@cluster/?tlsCertificateKeyFilePassword={MASK}")


def test_uris_inside_messages() -> None:
    text = "cannot reach mongodb://orders:hunter22@db1,db2/?replicaSet=rs0: connection refused"
    assert "hunter22" not in Redactor()(text)


def test_sensitive_and_configured_headers() -> None:
    masked = redact_headers({"Authorization": "Bearer x", "X-Tenant": "t1", "X-Custom-Token": "y", "Accept": "a"},
                            configured=["X-Tenant"])
    assert masked == {"Authorization": MASK, "X-Tenant": MASK, "X-Custom-Token": MASK, "Accept": "a"}


def test_configured_secrets_are_masked_anywhere() -> None:
    env = {
        "http": {"base_url": "https://svc:pa ss@h", "headers": {"Authorization": "Bearer abcd1234efgh", "X-Key": "k-998877"}},
        "mongodb": {"uri": "mongodb://app:p%40ssw0rd@db/"},
    }
    found = secrets_in(env)
    assert {"abcd1234efgh", "k-998877", "p@ssw0rd", "p%40ssw0rd"} <= found
    redact = Redactor.for_environment(env)
    text = "echo: abcd1234efgh / k-998877 / p@ssw0rd / p%40ssw0rd / Authorization: Bearer zzz"
    out = redact(text)
    for secret in ("abcd1234efgh", "k-998877", "p@ssw0rd", "p%40ssw0rd", "zzz"):
        assert secret not in out
