"""A real SMTP server for OrderDesk's tests (aiosmtpd), on 127.0.0.1.

    server.py DIR [--tls CERT KEY | --starttls CERT KEY]

Listens on a free port and prints it on the first line of stdout. Each
message is written to DIR as NNN.eml once the server accepts it (250). What
it answers to the message is read, at each message, from DIR/mode:

    accept    250 (the default)
    defer     451 4.3.0: try again later
    reject    550 5.1.1: mailbox unavailable
    drop      the connection is closed in the middle of the message
    stall     the message is kept as NNN.unacked.eml, then no answer for
              a minute (a sender killed while it waits)

With --tls the server speaks TLS from the first byte (as on port 465);
with --starttls it starts plain and requires STARTTLS (as on port 587).
"""

import asyncio
import pathlib
import ssl
import sys

from aiosmtpd.smtp import SMTP


class Handler:
    def __init__(self, folder):
        self.folder = folder
        self.count = 0

    def mode(self):
        try:
            return (self.folder / "mode").read_text().strip() or "accept"
        except FileNotFoundError:
            return "accept"

    def keep(self, envelope, suffix):
        self.count += 1
        name = self.folder / f"{self.count:03d}{suffix}"
        tmp = name.with_suffix(".tmp")
        tmp.write_bytes(envelope.original_content)
        tmp.rename(name)

    async def handle_DATA(self, server, session, envelope):
        mode = self.mode()
        if mode == "defer":
            return "451 4.3.0 Mailbox busy, try again later"
        if mode == "reject":
            return "550 5.1.1 Mailbox unavailable"
        if mode == "drop":
            server.transport.abort()
            return "421 4.4.2 Connection dropped"
        if mode == "stall":
            self.keep(envelope, ".unacked.eml")
            await asyncio.sleep(60)
            return "451 4.4.2 Took too long"
        self.keep(envelope, ".eml")
        return "250 2.0.0 Ok: queued"


async def serve(folder, context, starttls):
    handler = Handler(folder)
    loop = asyncio.get_running_loop()
    if starttls:
        factory = lambda: SMTP(
            handler,
            decode_data=False,
            hostname="orderdesk-test",
            tls_context=context,
            require_starttls=True,
        )
        wrap = None
    else:
        factory = lambda: SMTP(handler, decode_data=False, hostname="orderdesk-test")
        wrap = context
    server = await loop.create_server(factory, host="127.0.0.1", port=0, ssl=wrap)
    print(server.sockets[0].getsockname()[1], flush=True)
    # Until the test closes our stdin (or kills us).
    await loop.run_in_executor(None, sys.stdin.read)
    server.close()


def main():
    folder = pathlib.Path(sys.argv[1])
    folder.mkdir(parents=True, exist_ok=True)
    context = None
    starttls = False
    if len(sys.argv) >= 5 and sys.argv[2] in ("--tls", "--starttls"):
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(sys.argv[3], sys.argv[4])
        starttls = sys.argv[2] == "--starttls"
    asyncio.run(serve(folder, context, starttls))


if __name__ == "__main__":
    main()
