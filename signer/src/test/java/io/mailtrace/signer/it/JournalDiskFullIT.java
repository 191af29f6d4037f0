package io.mailtrace.signer.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailtrace.model.TraceRecord;
import io.mailtrace.signer.config.SignerConfig;
import io.mailtrace.signer.testing.Fakes;
import io.mailtrace.testkit.FaultyJournalFiles;
import io.mailtrace.testkit.FaultyJournalFiles.Fault;
import io.vertx.core.Vertx;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault recipe 6, disk full / fsync failure on the journal: the real SMTP listener and relay
 * client, aiosmtpd as the next hop, smtplib clients, and journal segment files whose writes or
 * fsyncs fail with ENOSPC while the fault is switched on. While it is on no client gets a 250;
 * once it is off the same running signer answers 250 again. Oracle: every message that got 250
 * is in the journal exactly once under the trace id it was given, and no refused message is.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JournalDiskFullIT {
  Path dir;
  Vertx vertx;
  Process nextHop;
  SignerHarness signer;
  int port;
  final FaultyJournalFiles files = new FaultyJournalFiles();

  @BeforeAll
  void start(@TempDir Path tmp) throws Exception {
    dir = tmp;
    vertx = Vertx.vertx();
    int hopPort = Procs.freePort();
    Path script = Path.of(getClass().getResource("/smtp/next_hop.py").toURI());
    nextHop = new ProcessBuilder("/usr/bin/python3", script.toString(), String.valueOf(hopPort),
        Files.createDirectories(dir.resolve("hop")).toString()).redirectErrorStream(true).start();
    assertThat(new BufferedReader(new InputStreamReader(nextHop.getInputStream(), StandardCharsets.UTF_8)).readLine())
        .isEqualTo("READY");
    port = Procs.freePort();
    SignerConfig cfg = SignerConfig.defaults()
        .withListen("127.0.0.1", port)
        .withInstances(2)
        .withTrustedNetworks(List.of("127.0.0.1/32"))
        .withNextHop(SignerConfig.NextHop.of("127.0.0.1", hopPort))
        .withNodeName("disk-full-it");
    // the DKIM signer is a fake of our port: signing is not what this recipe is about
    signer = new SignerHarness(vertx, dir, cfg, new Fakes.Signer(), new Fakes.Keys(),
        jc -> jc.withSegmentBytes(16 * 1024).withFiles(files));
  }

  @AfterAll
  void stop() throws Exception {
    SignerHarness.await(vertx.close());
    signer.close();
    nextHop.getOutputStream().close();
    nextHop.destroy();
    nextHop.waitFor(10, TimeUnit.SECONDS);
  }

  /** Final DATA reply per message name, from one run of burst_send.py. */
  private Map<String, String> send(String tag, int count) throws Exception {
    Path script = Path.of(getClass().getResource("/smtp/burst_send.py").toURI());
    var r = Procs.run(dir, 300, List.of("/usr/bin/python3", script.toString(), String.valueOf(port), tag,
        String.valueOf(count), "3"));
    assertThat(r.exit()).as(r.output()).isZero();
    Map<String, String> replies = new LinkedHashMap<>();
    for (String line : r.output().split("\n")) {
      String[] f = line.split("\t", 3);
      if (f.length == 3) {
        replies.put(f[0], f[1] + " " + f[2]);
      }
    }
    assertThat(replies).as(r.output()).hasSize(count);
    return replies;
  }

  @Test
  void noTwoFiftyWithoutADurableRecordAndRecoveryWithoutRestart() throws Exception {
    Map<String, String> all = new LinkedHashMap<>(send("before", 10));
    assertThat(all.values()).allSatisfy(v -> assertThat(v).startsWith("250 2.0.0"));

    for (Fault fault : List.of(Fault.WRITE, Fault.FORCE)) {
      files.set(fault);
      long injectedBefore = files.injected();
      Map<String, String> during = send("during-" + fault, 12);
      files.set(Fault.NONE);
      assertThat(files.injected()).as("the %s fault was hit", fault).isGreaterThan(injectedBefore);
      assertThat(during.values()).as("replies while %s fails", fault)
          .allSatisfy(v -> assertThat(v).matches("451 4\\.3\\.0 .*|452 4\\.3\\.1 .*"));
      all.putAll(during);

      // the same process, no restart: accepted again at once
      Map<String, String> after = send("after-" + fault, 10);
      assertThat(after.values()).as("replies after %s cleared", fault)
          .allSatisfy(v -> assertThat(v).startsWith("250 2.0.0"));
      all.putAll(after);
    }

    // The oracle, read back with JournalReader.
    Map<String, String> accepted = all.entrySet().stream().filter(e -> e.getValue().startsWith("250"))
        .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().replaceAll(".*trace id ", "").trim()));
    List<TraceRecord> records = signer.records();
    Map<String, List<TraceRecord>> byName = records.stream()
        .collect(Collectors.groupingBy(r -> r.messageId().replaceAll("[<>]|@example\\.com", "")));
    assertThat(accepted).hasSize(30);
    for (var e : accepted.entrySet()) {
      assertThat(byName.get(e.getKey())).as("journal records of 250'd %s", e.getKey()).hasSize(1)
          .first().extracting(TraceRecord::id).isEqualTo(e.getValue());
    }
    assertThat(byName.keySet()).as("no record of a message that was refused").containsOnlyOnceElementsOf(accepted.keySet())
        .hasSameSizeAs(accepted.keySet());
    assertThat(records.stream().map(TraceRecord::id).collect(Collectors.toMap(Function.identity(), x -> 1, Integer::sum)))
        .allSatisfy((id, n) -> assertThat(n).as("copies of %s", id).isEqualTo(1));
  }
}
