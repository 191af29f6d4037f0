"""Sends <count> small messages through the signer over <conns> parallel smtplib connections
(trusted network, no AUTH), each with Message-ID <tag-n@example.com>, and prints one line per
message: <tag-n>\t<code>\t<final reply text>. Usage: burst_send.py <port> <tag> <count> <conns>"""
import smtplib
import sys
import threading

port, tag, count, conns = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
lock = threading.Lock()


def out(name, code, text):
    with lock:
        print("%s\t%d\t%s" % (name, code, text), flush=True)


def worker(k):
    s = smtplib.SMTP("127.0.0.1", port, timeout=120)
    s.ehlo("burst.test")
    for n in range(k, count, conns):
        name = "%s-%d" % (tag, n)
        msg = ("From: Shop <shop@example.com>\r\nTo: <rcpt@dest.test>\r\nSubject: %s\r\n"
               "Message-ID: <%s@example.com>\r\n\r\nbody of %s\r\n" % (name, name, name)).encode("ascii")
        try:
            s.mail("shop@example.com")
            code, text = s.rcpt("rcpt@dest.test")
            if code != 250:
                s.rset()
                out(name, code, text.decode("ascii", "replace"))
                continue
            code, text = s.data(msg)
            out(name, code, text.decode("ascii", "replace"))
            if code != 250:
                s.rset()
        except smtplib.SMTPResponseException as e:
            out(name, e.smtp_code, e.smtp_error.decode("ascii", "replace"))
            s.rset()
    s.quit()


threads = [threading.Thread(target=worker, args=(k,)) for k in range(conns)]
for t in threads:
    t.start()
for t in threads:
    t.join()
