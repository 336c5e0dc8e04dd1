"""The orders service."""

from fastapi import FastAPI

from app.routes.orders import router

app = FastAPI(title="orders")
app.include_router(router)


@app.get("/health")
def health() -> dict:
    return {"status": "ok"}


@app.on_event("startup")
def announce() -> None:
    print("orders service starting")
