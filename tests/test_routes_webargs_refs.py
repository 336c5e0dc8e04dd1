"""webargs arguments given by reference: a module's dicts of fields (``@use_kwargs(args.paging)``), the unions
and builders of them, and flask-apispec's ``Ref("args")`` on a project base resource whose subclasses only
set the attribute; the query string they are bound to by ``location`` or by the project's partial."""

from __future__ import annotations

from pathlib import Path

from helpers import check_status as _status
from helpers import route_table as _table
from helpers import write_tree

_ARGS = (
    "from webargs import fields\n\n\n"
    "per_page = fields.Int(load_default=20)\n"
    "paging = {'page': fields.Int(load_default=1), 'per_page': per_page}\n"
    "orders = {'status': fields.Str(), 'customer_id': fields.Int()}\n"
    "notes = {**paging, 'author': fields.Str()}\n\n\n"
    "def make_sort_args(default=None):\n"
    "    args = {'sort': fields.Str(load_default=default)}\n"
    "    args['sort_hide_null'] = fields.Bool()\n"
    "    return args\n"
)
_UTILS = (
    "import functools\n\nfrom flask_apispec import use_kwargs as use_kwargs_original\n"
    "from flask_apispec.views import MethodResource\n\n"
    "use_kwargs = functools.partial(use_kwargs_original, location='query')\n\n\n"
    "class Resource(MethodResource):\n    pass\n\n\n"
    "def extend(*dicts):\n    out = {}\n    for each in dicts:\n        out.update(each)\n    return out\n\n\n"
    "def describe(*dicts):\n    return ', '.join(str(d) for d in dicts)\n\n\n"
    "def fetch_page(query, kwargs, cap=100):\n"
    "    if kwargs['per_page'] > cap:\n        raise ValueError('per_page')\n"
    "    return query.offset((kwargs['page'] - 1) * kwargs['per_page']).limit(kwargs['per_page']).all()\n"
)


def _functions(root: Path, decorators: str, use_kwargs: str = "from svc.utils import use_kwargs") -> None:
    write_tree(root, {
        "svc/__init__.py": "", "svc/args.py": _ARGS, "svc/utils.py": _UTILS,
        "svc/app.py": "from flask import Flask, jsonify\n\n"
                      f"from svc import args, utils\n{use_kwargs}\n\napp = Flask(__name__)\n\n\n"
                      f"@app.route('/api/orders')\n{decorators}def orders(**kwargs):\n"
                      "    return jsonify(find_orders(**kwargs))\n",
    })


def test_a_module_dict_of_fields_through_the_projects_query_partial(tmp_path: Path) -> None:
    _functions(tmp_path, "@use_kwargs(args.paging)\n@use_kwargs(args.orders)\n")
    route = _table(tmp_path)["GET /api/orders"]
    assert set(route.query) == {"page", "per_page", "status", "customer_id"}
    assert _status(tmp_path, "pagination")[:2] == ("pass", 1.0)
    assert _status(tmp_path, "filtering-sorting")[:2] == ("pass", 1.0)


def test_unions_and_builders_of_field_dicts(tmp_path: Path) -> None:
    _functions(tmp_path, "@use_kwargs(utils.extend(args.notes, args.make_sort_args(default='id')), location='query')\n",
               "from webargs.flaskparser import use_kwargs")
    assert set(_table(tmp_path)["GET /api/orders"].query) == {"page", "per_page", "author", "sort", "sort_hide_null"}


def test_fields_read_from_the_body_or_handed_to_no_merge_are_no_query(tmp_path: Path) -> None:
    # webargs reads the JSON body when no location is given; describe() does not merge its arguments
    _functions(tmp_path, "@use_kwargs(args.paging)\n@use_kwargs(utils.describe(args.orders), location='query')\n",
               "from webargs.flaskparser import use_kwargs")
    assert _table(tmp_path)["GET /api/orders"].query == ()
    assert _status(tmp_path, "pagination")[0] == "fail"
    assert _status(tmp_path, "filtering-sorting")[0] == "fail"


_BASE = (
    "from flask_apispec import Ref\n\nfrom svc import utils\nfrom svc.utils import use_kwargs\n\n\n"
    "class ApiResource(utils.Resource):\n    args = {}\n    model = None\n\n"
    "    @use_kwargs(Ref('args'))\n    def get(self, **kwargs):\n"
    "        return utils.fetch_page(self.model.query, kwargs)\n"
)
_RESOURCES = (
    "from flask_apispec import doc\n\nfrom svc import args, utils\nfrom svc.common.views import ApiResource\n\n\n"
    "class OrderList(ApiResource):\n    args = utils.extend(args.paging, args.orders)\n\n\n"
    "class TagList(ApiResource):\n    query_args = {'label': args.fields.Str()}\n\n"
    "    @property\n    def args(self):\n"
    "        return utils.extend(args.paging, self.query_args, args.make_sort_args(default='label'))\n\n\n"
    "class ArchivedOrderList(OrderList):\n    @property\n    def args(self):\n"
    "        return utils.extend(super().args, {'archived_before': args.fields.Date()})\n\n\n"
    "class InvoiceList(ApiResource):\n    args = utils.extend(args.paging, args.orders)\n\n"
    "    def get(self, **kwargs):\n        return utils.fetch_page(Invoice.query, kwargs)\n\n\n"
    "class EventList(ApiResource):\n    pass\n"
)


def _resources(root: Path) -> dict[str, object]:
    write_tree(root, {
        "svc/__init__.py": "", "svc/args.py": _ARGS, "svc/utils.py": _UTILS, "svc/common/__init__.py": "",
        "svc/common/views.py": _BASE, "svc/resources/__init__.py": "", "svc/resources/lists.py": _RESOURCES,
        "svc/app.py": "from flask import Flask\nfrom flask_restful import Api\n\nfrom svc.resources import lists\n\n"
                      "app = Flask(__name__)\napi = Api(app, prefix='/api')\n"
                      "api.add_resource(lists.OrderList, '/orders/')\napi.add_resource(lists.TagList, '/tags/')\n"
                      "api.add_resource(lists.ArchivedOrderList, '/orders/archived/')\n"
                      "api.add_resource(lists.InvoiceList, '/invoices/')\napi.add_resource(lists.EventList, '/events/')\n",
    })
    return dict(_table(root))


def test_a_base_resource_handler_reads_the_arguments_its_subclass_sets(tmp_path: Path) -> None:
    routes = _resources(tmp_path)
    orders, tags = routes["GET /api/orders/"], routes["GET /api/tags/"]
    assert orders.file == "svc/common/views.py"  # the inherited handler
    assert set(orders.query) == {"page", "per_page", "status", "customer_id"}
    assert set(tags.query) == {"page", "per_page", "label", "sort", "sort_hide_null"}  # self.query_args: the class's
    assert set(routes["GET /api/orders/archived/"].query) == {"page", "per_page", "status", "customer_id",
                                                             "archived_before"}  # super().args: the base's
    # flask-apispec: an override inherits the arguments the base's handler declares
    assert set(routes["GET /api/invoices/"].query) == {"page", "per_page", "status", "customer_id"}
    assert routes["GET /api/events/"].query == ()  # the base's empty dict: nothing to page or filter by
    assert _status(tmp_path, "pagination") == ("fail", 0.8, 1)
    assert _status(tmp_path, "filtering-sorting") == ("fail", 0.8, 1)
