"""MongoDB access."""

from pymongo import MongoClient

from app.config import MONGODB_URI

client = MongoClient(MONGODB_URI)
db = client.get_default_database()
orders = db["orders"]
inventory = db["inventory"]
audit_log = db["audit_log"]
