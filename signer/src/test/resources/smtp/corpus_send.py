"""Sends messages through the signer over one smtplib connection (trusted network, no AUTH).
Line endings are normalised to CRLF first, as a submitting MTA does. Input lines:
<path>\t<envelope sender>\t<name>; output lines: <name>\t<code>\t<text> (250 for accepted).
Usage: corpus_send.py <port> <listfile>"""
import re
import smtplib
import sys

port, listfile = int(sys.argv[1]), sys.argv[2]
s = smtplib.SMTP("127.0.0.1", port, timeout=120)
s.ehlo("corpus.test")
for line in open(listfile, encoding="utf-8"):
    path, sender, name = line.rstrip("\n").split("\t")
    msg = re.sub(rb"\r\n|\r|\n", b"\r\n", open(path, "rb").read())
    try:
        refused = s.sendmail(sender, ["rcpt@dest.test"], msg)
        print("%s\t250\t%s" % (name, "ok"), flush=True)
    except smtplib.SMTPResponseException as e:
        print("%s\t%d\t%s" % (name, e.smtp_code, e.smtp_error.decode("ascii", "replace")), flush=True)
        try:
            s.rset()
        except smtplib.SMTPServerDisconnected:
            s = smtplib.SMTP("127.0.0.1", port, timeout=120)
            s.ehlo("corpus.test")
    except smtplib.SMTPRecipientsRefused as e:
        print("%s\t%d\t%s" % (name, 0, "recipients refused"), flush=True)
s.quit()
