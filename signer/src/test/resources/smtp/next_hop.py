"""A scriptable next hop for tests (aiosmtpd): refuses RCPT whose local part starts with
'refused' (550 5.1.1), saves every accepted message as <outdir>/<n>.eml (exact bytes, CRLF),
and prints READY once listening. Usage: next_hop.py <port> <outdir>"""
import asyncio
import os
import sys

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP

port, outdir = int(sys.argv[1]), sys.argv[2]
counter = [0]


class Handler:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.split("@")[0].startswith("refused"):
            return "550 5.1.1 <%s>: Recipient address rejected: User unknown" % address
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 Ok"

    async def handle_DATA(self, server, session, envelope):
        counter[0] += 1
        path = os.path.join(outdir, "%06d.eml" % counter[0])
        with open(path + ".tmp", "wb") as f:
            f.write(envelope.original_content)
        with open(path + ".env", "w") as f:
            f.write(envelope.mail_from + "\n" + "\n".join(envelope.rcpt_tos) + "\n")
        os.rename(path + ".tmp", path)
        return "250 2.0.0 Ok: queued as %06d" % counter[0]


class Ctl(Controller):
    def factory(self):
        return SMTP(self.handler, decode_data=False, enable_SMTPUTF8=False)


ctl = Ctl(Handler(), hostname="127.0.0.1", port=port)
ctl.start()
print("READY", flush=True)
try:
    sys.stdin.read()  # runs until the test closes our stdin
finally:
    ctl.stop()
