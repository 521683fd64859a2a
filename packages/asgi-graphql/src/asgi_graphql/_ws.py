"""GraphQL over WebSocket, graphql-transport-ws protocol, on raw ASGI messages.

Rules of the protocol (https://github.com/enisdenjo/graphql-ws/blob/master/PROTOCOL.md), all here:
- the client must offer the "graphql-transport-ws" subprotocol, else close 4406;
- the first thing it sends is connection_init, within the wait timeout (else close 4408); a
  second one closes 4429; we answer connection_ack;
- ping gets pong at any time; pong is ignored;
- subscribe before the ack closes 4401; a subscribe whose id is already running closes 4409;
- each subscribe runs as its own task: "next" for each result, then "complete"; parse,
  validation and subscription-setup errors are one "error" message instead;
- "complete" from the client cancels that operation (no "complete" is echoed);
- anything unparseable or unknown closes 4400 with a short reason.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncGenerator, Awaitable, Callable
from typing import Any

from graphql import ExecutionResult, GraphQLError, OperationType

from asgi_graphql._execute import Executor
from asgi_protocol.jsontext import InvalidJSON, decode_json
from asgi_protocol.types import Message, Receive, Scope, Send

SUBPROTOCOL = "graphql-transport-ws"

ContextFactory = Callable[[Scope, dict[str, Any]], Awaitable[Any]]


class _Close(Exception):
    """Close the connection with this code and reason (a protocol violation by the client)."""

    def __init__(self, code: int, reason: str) -> None:
        super().__init__(code, reason)
        self.code = code
        self.reason = reason


def _decode(message: Message) -> dict[str, Any]:
    """The JSON object carried by a websocket.receive message."""
    text = message.get("text")
    try:
        data = decode_json(text if text is not None else (message.get("bytes") or b""))
    except InvalidJSON:
        raise _Close(4400, "Invalid message received") from None
    if not isinstance(data, dict) or not isinstance(data.get("type"), str):
        raise _Close(4400, "Invalid message received")
    return data


class GraphQLTransportWSSession:
    """One WebSocket connection speaking graphql-transport-ws."""

    def __init__(
        self,
        executor: Executor,
        scope: Scope,
        receive: Receive,
        send: Send,
        *,
        root_value: Any,
        context_factory: ContextFactory,
        connection_init_wait_timeout: float,
    ) -> None:
        self.executor = executor
        self.scope = scope
        self.receive = receive
        self._send = send
        self.root_value = root_value
        self.context_factory = context_factory
        self.init_timeout = connection_init_wait_timeout
        self.connection_params: dict[str, Any] = {}
        self.acknowledged = False
        self.operations: dict[str, asyncio.Task[None]] = {}
        self._send_lock = asyncio.Lock()
        self._closed = False
        self._deadline = 0.0  # loop time by which connection_init must have arrived

    async def send_json(self, data: dict[str, Any]) -> None:
        # Operations run concurrently; one lock keeps their frames whole and after any close.
        async with self._send_lock:
            if not self._closed:
                await self._send({"type": "websocket.send", "text": json.dumps(data)})

    async def close(self, code: int, reason: str = "") -> None:
        async with self._send_lock:
            if not self._closed:
                self._closed = True
                await self._send({"type": "websocket.close", "code": code, "reason": reason})

    async def run(self) -> None:
        message = await self.receive()
        if message["type"] != "websocket.connect":
            return
        if SUBPROTOCOL not in self.scope.get("subprotocols", ()):
            # Accept first: a close before accept is an HTTP 403 and the code would be lost.
            await self._send({"type": "websocket.accept"})
            await self.close(4406, "Subprotocol not acceptable")
            return
        await self._send({"type": "websocket.accept", "subprotocol": SUBPROTOCOL})
        try:
            await self._loop()
        except _Close as close:
            await self.close(close.code, close.reason)
        finally:
            self._closed = True  # the client is gone or was closed: nothing more is sent
            for task in self.operations.values():
                task.cancel()
            if self.operations:
                await asyncio.gather(*self.operations.values(), return_exceptions=True)

    async def _receive(self) -> Message | None:
        """The next frame; None once the client is gone. Before the ack, bounded by the timeout."""
        if self.acknowledged:
            message = await self.receive()
        else:
            try:
                message = await asyncio.wait_for(self.receive(), self._deadline - _now())
            except TimeoutError:
                raise _Close(4408, "Connection initialisation timeout") from None
        return None if message["type"] == "websocket.disconnect" else message

    async def _loop(self) -> None:
        self._deadline = _now() + self.init_timeout
        while (message := await self._receive()) is not None:
            data = _decode(message)
            kind = data["type"]
            if kind == "connection_init":
                await self._on_init(data)
            elif kind == "ping":
                await self.send_json({"type": "pong"})
            elif kind == "pong":
                continue
            elif kind == "subscribe":
                await self._on_subscribe(data)
            elif kind == "complete":
                self._on_complete(data)
            else:
                raise _Close(4400, f"Unknown message type '{kind}'")

    async def _on_init(self, data: dict[str, Any]) -> None:
        if self.acknowledged:
            raise _Close(4429, "Too many initialisation requests")
        payload = data.get("payload")
        if payload is not None and not isinstance(payload, dict):
            raise _Close(4400, "connection_init payload must be an object")
        self.connection_params = payload or {}
        self.acknowledged = True
        await self.send_json({"type": "connection_ack"})

    async def _on_subscribe(self, data: dict[str, Any]) -> None:
        if not self.acknowledged:
            raise _Close(4401, "Unauthorized")
        op_id = data.get("id")
        payload = data.get("payload")
        if not isinstance(op_id, str) or not op_id or not isinstance(payload, dict):
            raise _Close(4400, "subscribe needs a string id and an object payload")
        query = payload.get("query")
        variables = payload.get("variables")
        operation_name = payload.get("operationName")
        if (
            not isinstance(query, str)
            or not (variables is None or isinstance(variables, dict))
            or not (operation_name is None or isinstance(operation_name, str))
        ):
            raise _Close(4400, "subscribe payload needs a string query")
        if op_id in self.operations:
            raise _Close(4409, f"Subscriber for {op_id} already exists")
        task = asyncio.create_task(self._operation(op_id, query, variables, operation_name))
        self.operations[op_id] = task
        task.add_done_callback(lambda _: self._forget(op_id, task))

    def _forget(self, op_id: str, task: asyncio.Task[None]) -> None:
        if self.operations.get(op_id) is task:
            del self.operations[op_id]

    def _on_complete(self, data: dict[str, Any]) -> None:
        op_id = data.get("id")
        if not isinstance(op_id, str):
            raise _Close(4400, "complete needs a string id")
        task = self.operations.pop(op_id, None)
        if task is not None:
            task.cancel()

    async def _error(self, op_id: str, errors: list[GraphQLError]) -> None:
        await self.send_json(
            {"type": "error", "id": op_id, "payload": [error.formatted for error in errors]}
        )

    async def _operation(
        self,
        op_id: str,
        query: str,
        variables: dict[str, Any] | None,
        operation_name: str | None,
    ) -> None:
        try:
            await self._run(op_id, query, variables, operation_name)
        except Exception as exc:
            # A failing context factory or event source ends this operation, not the socket;
            # the client is told as much as of a failing resolver (the exception is logged).
            await self._error(op_id, [self.executor.client_errors.unexpected(exc)])

    async def _run(
        self,
        op_id: str,
        query: str,
        variables: dict[str, Any] | None,
        operation_name: str | None,
    ) -> None:
        prepared = self.executor.prepare(query)
        if isinstance(prepared, list):
            await self._error(op_id, prepared)
            return
        operation = self.executor.operation(prepared, operation_name)
        if isinstance(operation, GraphQLError):
            await self._error(op_id, [operation])
            return
        context = await self.context_factory(self.scope, self.connection_params)
        kwargs: dict[str, Any] = {
            "root_value": self.root_value,
            "context_value": context,
            "variables": variables,
            "operation_name": operation_name,
        }
        if operation.operation == OperationType.SUBSCRIPTION:
            stream = await self.executor.subscribe(prepared, **kwargs)
            if isinstance(stream, ExecutionResult):
                await self._error(op_id, stream.errors or [])
                return
            await self._stream(op_id, stream)
        else:
            result = await self.executor.execute(prepared, **kwargs)
            await self.send_json({"type": "next", "id": op_id, "payload": result.formatted})
        await self.send_json({"type": "complete", "id": op_id})

    async def _stream(self, op_id: str, stream: AsyncGenerator[ExecutionResult, None]) -> None:
        try:
            async for result in stream:
                await self.send_json({"type": "next", "id": op_id, "payload": result.formatted})
        finally:
            # Closing the stream runs the source generator's cleanup (finally blocks) now.
            await stream.aclose()


def _now() -> float:
    return asyncio.get_running_loop().time()


__all__ = ["SUBPROTOCOL", "GraphQLTransportWSSession"]
