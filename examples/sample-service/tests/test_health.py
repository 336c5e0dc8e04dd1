from fastapi.testclient import TestClient

from app.main import app


def test_health() -> None:
    print("checking health")
    assert TestClient(app).get("/health").json() == {"status": "ok"}
