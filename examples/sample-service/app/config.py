"""Settings for the orders service."""

import os

MONGODB_URI = os.environ.get("MONGODB_URI", "mongodb://localhost:27017/orders")
JWT_SECRET = os.getenv("JWT_SECRET", "dev-secret-change-me")
JWT_ALGORITHM = "HS256"
PAYMENTS_URL = os.environ.get("PAYMENTS_URL", "https://payments.internal.example.com")
# TODO: move the inventory URL to the environment as well
INVENTORY_URL = "http://inventory.internal.example.com:8080"
