"""A real-shaped Flask and MongoDB service, before and after a week of readiness work, for the
golden reports (written for these tests)."""

from __future__ import annotations

COMMON = {
    "requirements.txt": "flask==3.0.3\npymongo==4.8.0\nrequests==2.32.3\ntenacity==8.5.0\nprometheus-flask-exporter==0.23.1\n"
                        "python-json-logger==2.0.7\nmarshmallow==3.21.3\n",
    "app/__init__.py": (
        "import logging.config\n\nfrom flask import Flask\nfrom prometheus_flask_exporter import PrometheusMetrics\n\n"
        "from app.routes import api\n\n\n"
        "def create_app() -> Flask:\n"
        "    logging.config.dictConfig({'version': 1, 'formatters': {'json': {'()': 'pythonjsonlogger.jsonlogger.JsonFormatter'}},\n"
        "                               'handlers': {'out': {'class': 'logging.StreamHandler', 'formatter': 'json'}},\n"
        "                               'root': {'handlers': ['out'], 'level': 'INFO'}})\n"
        "    app = Flask(__name__)\n    app.config.from_object('app.config')\n    PrometheusMetrics(app)\n"
        "    app.register_blueprint(api, url_prefix='/api/v1')\n\n"
        "    @app.get('/health')\n    def health():\n        return {'status': 'ok'}\n\n    return app\n"
    ),
    "app/db.py": (
        "import os\n\nfrom pymongo import MongoClient\n\n"
        "client = MongoClient(os.environ['MONGO_URL'], serverSelectionTimeoutMS=5000, timeoutMS=10000, maxPoolSize=50)\n"
        "db = client.get_default_database()\n"
    ),
    "tests/test_orders.py": (
        "from app import create_app\n\n\ndef test_health():\n    client = create_app().test_client()\n"
        "    assert client.get('/health').status_code == 200\n"
    ),
    ".github/workflows/ci.yml": (
        "name: ci\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n"
        "      - run: pip install -r requirements.txt ruff pytest pytest-cov\n      - run: ruff check .\n"
        "      - run: pytest --cov=app --cov-fail-under=80\n"
    ),
}

ROUTES = (
    "import logging\n\nfrom flask import Blueprint, request\nfrom marshmallow import Schema, fields\n\n"
    "from app.clients import notify_billing\nfrom app.db import db\n\nlog = logging.getLogger(__name__)\n"
    "api = Blueprint('api', __name__)\n\n\nclass OrderIn(Schema):\n    sku = fields.Str(required=True)\n"
    "    quantity = fields.Int(required=True)\n\n\n"
    "@api.get('/orders')\ndef list_orders():\n    limit = min(int(request.args.get('limit', 50)), 200)\n"
    "    offset = int(request.args.get('offset', 0))\n    status = request.args.get('status')\n"
    "    query = {'status': status} if status else {}\n"
    "    return {'items': list(db.orders.find(query, {'_id': 0}).skip(offset).limit(limit))}\n\n\n"
    "@api.post('/orders')\ndef create_order():\n    order = OrderIn().load(request.get_json())\n"
    "    db.orders.insert_one(dict(order))\n{extra}    notify_billing(order)\n    return order, 201\n"
)

BEFORE = {
    **COMMON,
    "app/config.py": ("import os\n\nSECRET_KEY = os.environ.get('SECRET_KEY', 'dev-secret-change-me')\n"
                      "# TODO: read the billing URL from the environment\n"),
    "app/clients.py": (
        "import os\n\nimport requests\n\nBILLING_URL = os.environ['BILLING_URL']\n\n\n"
        "def notify_billing(order):\n    response = requests.post(BILLING_URL + '/charges', json=order)\n"
        "    response.raise_for_status()\n    return response.json()\n"
    ),
    "app/routes.py": ROUTES.replace("{extra}", "    print('created', order)\n"),
}

AFTER = {
    **COMMON,
    "app/config.py": "import os\n\nSECRET_KEY = os.environ['SECRET_KEY']\n",
    "app/clients.py": (
        "import os\n\nimport requests\nfrom tenacity import retry, stop_after_attempt, wait_exponential_jitter\n\n"
        "BILLING_URL = os.environ['BILLING_URL']\nHTTP_TIMEOUT = (3.05, 10)\n\n\n"
        "@retry(stop=stop_after_attempt(3), wait=wait_exponential_jitter(max=5))\n"
        "def notify_billing(order):\n    response = requests.post(BILLING_URL + '/charges', json=order, timeout=HTTP_TIMEOUT)\n"
        "    response.raise_for_status()\n    return response.json()\n"
    ),
    "app/routes.py": ROUTES.replace("{extra}", "    log.info('order created', extra={'sku': order['sku']})\n"),
}
