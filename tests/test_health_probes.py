"""health-endpoint beyond the service's own route decorators: Kubernetes probes, Django regex routes,
service-named health paths."""

from __future__ import annotations

from pathlib import Path

from helpers import check_result, scan_tree, write_tree

_VIEWS = "from django.http import JsonResponse\n\n\ndef index(request):\n    return JsonResponse({})\n"
_DEPLOYMENT = (
    "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n"
    "        - name: web\n          image: shop:1\n{probe}"
)
_HTTP_PROBE = "          readinessProbe:\n            httpGet:\n              path: /uwsgi_health\n              port: 8080\n"
_TCP_PROBE = "          livenessProbe:\n            tcpSocket:\n              port: 8080\n"


def _site(root: Path, urls: str, probe: str = "") -> None:
    write_tree(root, {
        "shop/__init__.py": "", "shop/views.py": _VIEWS,
        "shop/urls.py": "from django.urls import path, re_path\nfrom shop import views\n\nurlpatterns = [\n" + urls + "]\n",
        "deploy/web.yaml": _DEPLOYMENT.format(probe=probe),
    })


def _health(root: Path) -> tuple[str, str]:
    outcome = check_result(scan_tree(root, select=["health-endpoint"]), "health-endpoint")
    return outcome.status, outcome.summary


def test_kubernetes_probe_naming_a_path_counts(tmp_path: Path) -> None:
    _site(tmp_path, "    path('orders/', views.index),\n", _HTTP_PROBE)
    status, summary = _health(tmp_path)
    assert status == "pass"
    assert "readiness probe GET /uwsgi_health" in summary


def test_tcp_probe_names_no_path(tmp_path: Path) -> None:
    _site(tmp_path, "    path('orders/', views.index),\n", _TCP_PROBE)
    assert _health(tmp_path)[0] == "fail"


def test_probe_on_the_home_page_is_no_health_endpoint(tmp_path: Path) -> None:
    """A probe that loads ``/`` checks that the site renders; nothing answers it as a health endpoint."""
    _site(tmp_path, "    path('', views.index),\n", _HTTP_PROBE.replace("/uwsgi_health", "/"))
    assert _health(tmp_path)[0] == "fail"


def test_regex_route_and_service_named_health_path(tmp_path: Path) -> None:
    _site(tmp_path, "    re_path(r'^healthz$', views.index),\n")
    assert _health(tmp_path)[0] == "pass"
    _site(tmp_path / "b", "    path('service_health/', views.index),\n")
    assert _health(tmp_path / "b")[0] == "pass"


def test_a_health_word_inside_another_word_is_no_health_route(tmp_path: Path) -> None:
    _site(tmp_path, "    path('healthcare-plans/', views.index),\n")
    assert _health(tmp_path)[0] == "fail"


def test_health_path_answered_by_a_wsgi_wrapper(tmp_path: Path) -> None:
    wrapper = ("class Health:\n    def __init__(self, app):\n        self.app = app\n\n"
               "    def __call__(self, environ, start_response):\n        if environ.get('PATH_INFO') == {path!r}:\n"
               "            start_response('200 OK', [])\n            return [b'ok']\n"
               "        return self.app(environ, start_response)\n")
    for name, path, expected in (("a", "/healthz", "pass"), ("b", "/orders", "fail")):
        _site(tmp_path / name, "    path('orders/', views.index),\n")
        write_tree(tmp_path / name, {"shop/wsgi_health.py": wrapper.format(path=path)})
        assert _health(tmp_path / name)[0] == expected
