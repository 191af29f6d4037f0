# Verifies every DKIM-Signature of many messages with dkimpy (Debian python3-dkim), one process.
# Usage: /usr/bin/python3 dkimpy_verify.py KEYS_TSV|--dns-port N  < list of message file paths
# KEYS_TSV lines: "<selector>._domainkey.<domain>\t<TXT value>" (no DNS is used), or with
# --dns-port the TXT records come from a DNS server at 127.0.0.1:N (dnspython), never elsewhere.
# Output, one line per signature: "<msg#>\tSIG\t<d>\t<s>\t<a>\tPASS|FAIL\t<detail>", or
# "<msg#>\tERROR\t<detail>" when the message itself cannot be processed.
import logging
import sys

import dkim
import dkim.util


class Capture(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.lines = []

    def emit(self, record):
        self.lines.append(record.getMessage())


def clean(s):
    return " ".join(str(s).split())[:300]


def static_dns(path):
    records = {}
    with open(path, "rb") as f:
        for line in f:
            line = line.rstrip(b"\r\n")
            if not line:
                continue
            name, value = line.split(b"\t", 1)
            records[name.lower().rstrip(b".") + b"."] = value

    def dnsfunc(name, timeout=5):
        return records.get(name.lower())

    return dnsfunc


def real_dns(port):
    import dns.resolver

    resolver = dns.resolver.Resolver(configure=False)
    resolver.nameservers = ["127.0.0.1"]
    resolver.port = port
    resolver.timeout = 5
    resolver.lifetime = 10

    def dnsfunc(name, timeout=5):
        try:
            answer = resolver.resolve(name.decode("ascii"), "TXT")
        except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
            return None
        return b"".join(b"".join(r.strings) for r in answer)

    return dnsfunc


def main():
    if sys.argv[1] == "--dns-port":
        dnsfunc = real_dns(int(sys.argv[2]))
    else:
        dnsfunc = static_dns(sys.argv[1])
    out = sys.stdout
    for n, path in enumerate(line.rstrip("\n") for line in sys.stdin):
        if not path:
            continue
        try:
            with open(path, "rb") as f:
                msg = f.read()
            headers, _ = dkim.rfc822_parse(msg)
            sigs = [v for k, v in headers if k.lower() == b"dkim-signature"]
            for idx, value in enumerate(sigs):
                try:
                    tags = dkim.util.parse_tag_value(value)
                except Exception as e:
                    out.write("%d\tSIG\t?\t?\t?\tFAIL\tunparseable tags: %s\n" % (n, clean(e)))
                    continue
                d = tags.get(b"d", b"?").decode("ascii", "replace")
                s = tags.get(b"s", b"?").decode("ascii", "replace")
                a = tags.get(b"a", b"?").decode("ascii", "replace")
                cap = Capture()
                logger = logging.getLogger("dkimpy-%d-%d" % (n, idx))
                logger.propagate = False
                logger.setLevel(logging.DEBUG)
                logger.addHandler(cap)
                try:
                    ok = dkim.DKIM(msg, logger=logger).verify(idx=idx, dnsfunc=dnsfunc)
                    detail = "" if ok else clean(cap.lines[-1] if cap.lines else "verify() returned False")
                except Exception as e:
                    ok, detail = False, clean("%s: %s" % (type(e).__name__, e))
                finally:
                    logger.removeHandler(cap)
                out.write("%d\tSIG\t%s\t%s\t%s\t%s\t%s\n" % (n, d, s, a, "PASS" if ok else "FAIL", detail))
        except Exception as e:
            out.write("%d\tERROR\t%s\n" % (n, clean("%s: %s" % (type(e).__name__, e))))
        out.flush()


if __name__ == "__main__":
    main()
