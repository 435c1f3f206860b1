"""A loopback TCP proxy in front of the test PostgreSQL that a test can cut and restore,
to play a database that goes away and comes back."""

import asyncio
import contextlib
from collections.abc import AsyncIterator

from sqlalchemy import make_url


class DatabaseProxy:
    def __init__(self, database_url: str) -> None:
        self.target = make_url(database_url)
        self.port = 0
        self._server: asyncio.Server | None = None
        self._pipes: set[asyncio.StreamWriter] = set()

    @property
    def url(self) -> str:
        """The database URL, through the proxy."""
        proxied = self.target.set(host="127.0.0.1", port=self.port, query={})
        return proxied.render_as_string(hide_password=False)

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def cut(self) -> None:
        """Refuse new connections and drop the open ones, as a stopped server would."""
        assert self._server is not None
        self._server.close()
        for writer in list(self._pipes):
            writer.transport.abort()
        await self._server.wait_closed()

    async def _open_upstream(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        socket_dir = self.target.query.get("host")
        if isinstance(socket_dir, str):
            return await asyncio.open_unix_connection(
                f"{socket_dir}/.s.PGSQL.{self.target.port or 5432}"
            )
        return await asyncio.open_connection(self.target.host, self.target.port or 5432)

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await self._open_upstream()
        self._pipes |= {writer, up_writer}
        try:
            await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer))
        finally:
            self._pipes -= {writer, up_writer}


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except OSError:
        pass
    finally:
        writer.transport.abort()


@contextlib.asynccontextmanager
async def proxied(database_url: str) -> AsyncIterator[DatabaseProxy]:
    proxy = DatabaseProxy(database_url)
    await proxy.start()
    try:
        yield proxy
    finally:
        with contextlib.suppress(AssertionError):
            await proxy.cut()
