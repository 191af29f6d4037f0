package io.mailtrace.app.faults;

import io.mailtrace.app.faults.Submission.Outcome;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * SMTP load over N concurrent sessions (plain sockets, one thread each) from a trusted address:
 * every message has a unique Message-ID {@code <tag.n@loadgen.test>} and its outcome is recorded
 * exactly as the client saw it ({@link Submission}). Sessions reconnect after any failure, so the
 * load survives the signer being killed and restarted. Paced to {@code ratePerSecond} overall.
 */
public final class LoadGenerator implements AutoCloseable {
  private static final Pattern TRACE_ID = Pattern.compile("trace id (\\S+)");

  private final int port;
  private final String tag;
  private final String sender;
  private final long intervalNanos;
  private final List<Thread> threads = new ArrayList<>();
  private final Map<String, Submission> submissions = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> replies = new ConcurrentHashMap<>();
  private final AtomicLong seq = new AtomicLong();
  private final AtomicLong accepted = new AtomicLong();
  private volatile boolean running = true;

  public LoadGenerator(int port, String tag, String sender, int sessions, int ratePerSecond) {
    this(port, tag, sender, sessions, ratePerSecond, 0);
  }

  /**
   * As above, numbering Message-IDs from {@code firstSeq + 1}, so several loads of one rig (one
   * after another) never reuse a Message-ID.
   */
  public LoadGenerator(int port, String tag, String sender, int sessions, int ratePerSecond, long firstSeq) {
    this.port = port;
    this.tag = tag;
    this.sender = sender;
    this.intervalNanos = TimeUnit.SECONDS.toNanos(1) * sessions / Math.max(1, ratePerSecond);
    this.seq.set(firstSeq);
    for (int i = 0; i < sessions; i++) {
      Thread t = new Thread(this::session, "load-" + tag + "-" + i);
      t.setDaemon(true);
      threads.add(t);
    }
    threads.forEach(Thread::start);
  }

  public long accepted() {
    return accepted.get();
  }

  /** How many replies started with {@code prefix} (e.g. "452 4.3.1"). */
  public long repliesStartingWith(String prefix) {
    return replies.entrySet().stream().filter(e -> e.getKey().startsWith(prefix)).mapToLong(e -> e.getValue().get()).sum();
  }

  public long count(Outcome o) {
    return submissions.values().stream().filter(s -> s.outcome() == o).count();
  }

  /** Snapshot of every message's outcome so far, by Message-ID. */
  public Map<String, Submission> submissions() {
    return Map.copyOf(submissions);
  }

  /** Stops the sessions (each finishes the transaction it is in) and returns every outcome. */
  public Map<String, Submission> stop() throws InterruptedException {
    running = false;
    for (Thread t : threads) {
      t.join(TimeUnit.MINUTES.toMillis(3));
    }
    return submissions();
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }

  private void session() {
    long next = System.nanoTime();
    while (running) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        s.setSoTimeout(90_000);
        InputStream in = new BufferedInputStream(s.getInputStream());
        OutputStream out = s.getOutputStream();
        if (!reply(in).startsWith("220")) {
          continue;
        }
        command(out, "EHLO loadgen.test");
        if (!reply(in).startsWith("250")) {
          continue;
        }
        while (running) {
          next = pace(next);
          if (!transaction(in, out)) {
            break;
          }
        }
        command(out, "QUIT");
      } catch (IOException e) {
        // the signer is down or restarting: try again shortly (pacing, not synchronisation)
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
      }
    }
  }

  private long pace(long next) {
    long now = System.nanoTime();
    if (next > now) {
      LockSupport.parkNanos(next - now);
    }
    return Math.max(next, now) + intervalNanos;
  }

  /** One message; false when the session should reconnect (421 or a refusal mid-session). */
  private boolean transaction(InputStream in, OutputStream out) throws IOException {
    String id = tag + "." + seq.incrementAndGet() + "@loadgen.test";
    boolean dotSent = false;
    try {
      command(out, "MAIL FROM:<" + sender + ">");
      String r = reply(in);
      if (!r.startsWith("250")) {
        return refused(id, r, out);
      }
      command(out, "RCPT TO:<someone@example.net>");
      r = reply(in);
      if (!r.startsWith("250")) {
        return refused(id, r, out);
      }
      command(out, "DATA");
      r = reply(in);
      if (!r.startsWith("354")) {
        return refused(id, r, out);
      }
      out.write(message(id));
      out.flush();
      dotSent = true;
      r = reply(in);
      count(r);
      if (r.startsWith("250")) {
        Matcher m = TRACE_ID.matcher(r);
        submissions.put(id, new Submission(id, Outcome.ACCEPTED, r, m.find() ? m.group(1) : null));
        accepted.incrementAndGet();
        return true;
      }
      submissions.put(id, new Submission(id, Outcome.REFUSED, r, null));
      return !r.startsWith("421");
    } catch (IOException e) {
      submissions.put(id, new Submission(id, dotSent ? Outcome.NO_ANSWER : Outcome.ABORTED, e.toString(), null));
      throw e;
    }
  }

  private boolean refused(String id, String reply, OutputStream out) throws IOException {
    count(reply);
    submissions.put(id, new Submission(id, Outcome.REFUSED, reply, null));
    if (reply.startsWith("421")) {
      return false;
    }
    command(out, "RSET");
    return false; // reconnect: simplest way to resynchronise after a refusal
  }

  private void count(String reply) {
    String key = reply.length() >= 9 ? reply.substring(0, 9) : reply;
    replies.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
  }

  private byte[] message(String id) {
    String m = "From: <" + sender + ">\r\n"
        + "To: <someone@example.net>\r\n"
        + "Subject: fault load " + id + "\r\n"
        + "Date: " + java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(Instant.now().atZone(java.time.ZoneOffset.UTC)) + "\r\n"
        + "Message-ID: <" + id + ">\r\n"
        + "\r\n"
        + "Hello from the fault rig.\r\n"
        + "A second line so the body is not trivial.\r\n"
        + ".\r\n";
    return m.getBytes(StandardCharsets.US_ASCII);
  }

  private static void command(OutputStream out, String line) throws IOException {
    out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  /** A whole (possibly multi-line) reply; its last line is returned. */
  private static String reply(InputStream in) throws IOException {
    while (true) {
      String l = NextHopSink.readLine(in);
      if (l == null) {
        throw new IOException("connection closed without a reply");
      }
      if (l.length() < 4 || l.charAt(3) != '-') {
        return l;
      }
    }
  }
}
