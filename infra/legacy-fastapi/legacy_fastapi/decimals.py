"""Decimal helpers: strict parsing from strings, canonical wire form, JSON bodies without floats.

Every number the service reads goes string -> Decimal, never through float. JSON request bodies are
parsed with ``parse_float=Decimal`` so a JSON number keeps the exact digits of its token.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal, InvalidOperation
from typing import Any, Callable, Coroutine

from fastapi import Request, Response
from fastapi.routing import APIRoute

# Plain decimal notation: optional minus, digits, optional fraction. No exponent, no NaN/Infinity.
DECIMAL_RE = re.compile(r"^-?\d+(\.\d+)?$")
MAX_DECIMAL_LEN = 60


def canonical(value: Decimal) -> str:
    """Plain notation, no exponent, trailing zeros trimmed, no -0 ("1.50" -> "1.5", "1E+2" -> "100")."""
    if value == 0:
        return "0"
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def parse_decimal(value: Any) -> Decimal:
    """Read a decimal from a string (strict plain notation), an int or a Decimal. Floats are refused."""
    if isinstance(value, bool):
        raise TypeError("value is not a valid decimal string")
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError("value is not a finite decimal")
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, str):
        text = value.strip()
        if len(text) > MAX_DECIMAL_LEN or not DECIMAL_RE.match(text):
            raise ValueError("value is not a valid decimal string")
        try:
            return Decimal(text)
        except InvalidOperation as exc:  # pragma: no cover - the regex already guards this
            raise ValueError("value is not a valid decimal string") from exc
    if isinstance(value, float):
        raise TypeError("floats are not accepted; send decimals as strings")
    raise TypeError("value is not a valid decimal string")


class DecimalStr(Decimal):
    """Pydantic (v1) field type: accepts a decimal string, a JSON integer or an exact JSON number."""

    @classmethod
    def __get_validators__(cls):  # noqa: D105
        yield cls.validate

    @classmethod
    def __modify_schema__(cls, field_schema: dict) -> None:  # noqa: D105
        field_schema.update(
            type="string",
            pattern=DECIMAL_RE.pattern,
            example="1234.5",
            description="Decimal in plain notation. Strings are preferred; JSON numbers are read from their exact token.",
        )

    @classmethod
    def validate(cls, value: Any) -> Decimal:
        return parse_decimal(value)


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not a valid JSON number")


def loads_exact(body: bytes) -> Any:
    """json.loads that turns non-integer JSON numbers into Decimal from their exact token."""
    return json.loads(body, parse_float=Decimal, parse_constant=_no_constants)


class ExactJSONRequest(Request):
    """A request whose .json() never produces floats."""

    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            body = await self.body()
            self._json = loads_exact(body)
        return self._json


class ExactJSONRoute(APIRoute):
    """Route class for routers that take money in JSON bodies."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        original = super().get_route_handler()

        async def handler(request: Request) -> Response:
            return await original(ExactJSONRequest(request.scope, request.receive))

        return handler
