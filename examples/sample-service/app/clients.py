"""Calls to the payments and inventory services."""

import requests

from app.config import INVENTORY_URL, PAYMENTS_URL


def charge(order_id: str, amount_cents: int) -> dict:
    response = requests.post(f"{PAYMENTS_URL}/charges", json={"order": order_id, "amount": amount_cents})
    response.raise_for_status()
    return response.json()


def reserve_stock(sku: str, quantity: int) -> bool:
    session = requests.Session()
    response = session.post(f"{INVENTORY_URL}/reservations", json={"sku": sku, "qty": quantity})
    print("reserved", sku, quantity, response.status_code)
    return response.ok


def stock_level(sku: str) -> int:
    try:
        return requests.get(f"{INVENTORY_URL}/stock/{sku}", timeout=2).json()["level"]
    except Exception:
        pass
    return 0
