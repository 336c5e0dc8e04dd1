"""Order endpoints."""

from fastapi import APIRouter, Depends, Request

from app.auth import current_user
from app.clients import charge, reserve_stock
from app.db import audit_log, inventory, orders

router = APIRouter()


@router.get("/orders")
def list_orders(user: dict = Depends(current_user)) -> list[dict]:
    # TODO: paginate, this returns every order of the tenant
    return list(orders.find({"tenant": user["tenant"]}))


@router.get("/orders/{order_id}")
def get_order(order_id: str, user: dict = Depends(current_user)) -> dict:
    return orders.find_one({"_id": order_id, "tenant": user["tenant"]}) or {}


@router.post("/orders")
async def create_order(request: Request, user: dict = Depends(current_user)) -> dict:
    body = await request.json()
    print("creating order", body)
    for line in body["lines"]:
        reserve_stock(line["sku"], line["qty"])
        inventory.update_one({"sku": line["sku"]}, {"$inc": {"reserved": line["qty"]}})
    result = orders.insert_one({**body, "tenant": user["tenant"], "status": "new"})
    audit_log.insert_one({"event": "order-created", "order": str(result.inserted_id)})
    charge(str(result.inserted_id), body["total_cents"])
    return {"id": str(result.inserted_id)}


@router.get("/orders/search")
async def search_orders(request: Request) -> list[dict]:
    # XXX: filters come straight from the query string
    return list(orders.find(dict(request.query_params)))
