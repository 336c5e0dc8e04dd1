"""Token handling."""

import jwt
from fastapi import Header, HTTPException

from app.config import JWT_ALGORITHM, JWT_SECRET


def current_user(authorization: str = Header(...)) -> dict:
    token = authorization.removeprefix("Bearer ")
    try:
        return jwt.decode(token, JWT_SECRET, algorithms=[JWT_ALGORITHM])
    except Exception:
        # FIXME: distinguish expired tokens from forged ones
        raise HTTPException(status_code=401, detail="invalid token")
