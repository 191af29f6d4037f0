"""Sends one message through the signer with smtplib (STARTTLS + AUTH) and prints the outcome
as 'REFUSED <addr> <code>' lines and 'OK' or 'ERROR <code> <text>'.
Usage: smtplib_send.py <port> <user> <password> <from> <message-file|-> <rcpt>..."""
import smtplib
import ssl
import sys

port, user, password, sender, msgfile = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
rcpts = sys.argv[6:]
msg = open(msgfile, "rb").read()
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
try:
    with smtplib.SMTP("127.0.0.1", port, timeout=60) as s:
        s.ehlo("smtplib.test")
        s.starttls(context=ctx)
        s.ehlo("smtplib.test")
        s.login(user, password)
        refused = s.sendmail(sender, rcpts, msg)
        for addr, (code, text) in sorted(refused.items()):
            print("REFUSED", addr, code)
        print("OK")
except smtplib.SMTPResponseException as e:
    print("ERROR", e.smtp_code, e.smtp_error.decode("ascii", "replace"))
except smtplib.SMTPRecipientsRefused as e:
    print("ERROR all recipients refused", e.recipients)
