package io.mailtrace.signer.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything the signer role needs, typed. Built once by the app from YAML + environment;
 * {@link #validate()} returns every problem at once, each naming its key.
 *
 * @param listenHost address the SMTP server binds to
 * @param listenPort SMTP port (0 = any free port, for tests)
 * @param instances number of {@code SmtpServerVerticle} instances (event loops)
 * @param hostname name used in the greeting and EHLO reply
 * @param tlsCertPath PEM certificate chain for STARTTLS; null disables STARTTLS (and thus AUTH)
 * @param tlsKeyPath PEM private key for STARTTLS
 * @param limits protocol limits
 * @param trustedNetworks CIDRs whose clients need no AUTH: the envelope sender's domain names the account
 * @param nextHop where signed messages go
 * @param sharedKey the platform's shared DKIM key
 * @param accountsFile the account store file ({@code AccountStore})
 * @param nodeName recorded in every trace record
 */
public record SignerConfig(
    String listenHost,
    int listenPort,
    int instances,
    String hostname,
    Path tlsCertPath,
    Path tlsKeyPath,
    Limits limits,
    List<String> trustedNetworks,
    NextHop nextHop,
    SharedKey sharedKey,
    Path accountsFile,
    String nodeName) {

  public SignerConfig {
    trustedNetworks = trustedNetworks == null ? List.of() : List.copyOf(trustedNetworks);
    limits = limits == null ? Limits.defaults() : limits;
  }

  /**
   * @param maxMessageBytes advertised SIZE and enforced message size (after dot-unstuffing)
   * @param maxRecipients recipients per message
   * @param maxCommandLine longest command line, CRLF included (RFC 5321: 512)
   * @param maxDataLine longest message line, CRLF included (RFC 5321: 1000)
   * @param commandTimeout idle time allowed while waiting for a command
   * @param dataTimeout idle time allowed while waiting for message data
   * @param maxConnectionsPerIp concurrent connections from one client address
   * @param maxErrors protocol errors before the server answers 421 and closes
   */
  public record Limits(
      long maxMessageBytes,
      int maxRecipients,
      int maxCommandLine,
      int maxDataLine,
      Duration commandTimeout,
      Duration dataTimeout,
      int maxConnectionsPerIp,
      int maxErrors) {
    public static Limits defaults() {
      return new Limits(25L * 1024 * 1024, 100, 512, 1000, Duration.ofMinutes(5), Duration.ofMinutes(3), 50, 10);
    }

    public Limits withTimeouts(Duration command, Duration data) {
      return new Limits(maxMessageBytes, maxRecipients, maxCommandLine, maxDataLine, command, data, maxConnectionsPerIp, maxErrors);
    }

    public Limits withMaxMessageBytes(long v) {
      return new Limits(v, maxRecipients, maxCommandLine, maxDataLine, commandTimeout, dataTimeout, maxConnectionsPerIp, maxErrors);
    }

    public Limits withMaxRecipients(int v) {
      return new Limits(maxMessageBytes, v, maxCommandLine, maxDataLine, commandTimeout, dataTimeout, maxConnectionsPerIp, maxErrors);
    }

    public Limits withMaxConnectionsPerIp(int v) {
      return new Limits(maxMessageBytes, maxRecipients, maxCommandLine, maxDataLine, commandTimeout, dataTimeout, v, maxErrors);
    }
  }

  /**
   * @param host next hop host
   * @param port next hop port
   * @param startTls use STARTTLS when the next hop offers it (required when true and credentials are set)
   * @param trustAll accept any next-hop certificate (tests, private networks only)
   * @param username AUTH PLAIN user, null for none
   * @param password AUTH PLAIN password
   * @param maxIdleConnections idle connections kept per verticle instance for reuse
   * @param connectTimeout TCP connect timeout
   * @param replyTimeout time allowed for each next-hop reply (the final DATA reply gets 10 minutes at most)
   */
  public record NextHop(
      String host,
      int port,
      boolean startTls,
      boolean trustAll,
      String username,
      String password,
      int maxIdleConnections,
      Duration connectTimeout,
      Duration replyTimeout) {
    public static NextHop of(String host, int port) {
      return new NextHop(host, port, false, false, null, null, 16, Duration.ofSeconds(10), Duration.ofMinutes(2));
    }

    public String address() {
      return host + ":" + port;
    }

    @Override
    public String toString() {
      return "NextHop[" + address() + ", startTls=" + startTls + ", user=" + username + "]"; // never the password
    }
  }

  /** The platform's shared DKIM key: PKCS#8 PEM at {@code keyPath}. */
  public record SharedKey(String domain, String selector, Path keyPath) {}

  /**
   * Half the cores, at least one. RSA signing, most of the CPU of a message, runs on its own pool
   * of one thread per core; an event loop needs about an eighth of a message's CPU, and each extra
   * loop adds wake-ups and context switches that slow that pool (bench/relay on 2 cores: with 1
   * loop instead of 2 the DKIM workers spent about 0.03 ms less kernel time per message).
   */
  public static int defaultInstances() {
    return Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
  }

  /** Defaults for everything but the next hop, shared key and accounts file. */
  public static SignerConfig defaults() {
    return new SignerConfig(
        "0.0.0.0", 2525, defaultInstances(), "localhost",
        null, null, Limits.defaults(), List.of(), NextHop.of("127.0.0.1", 25),
        null, Path.of("accounts.tsv"), "node-1");
  }

  public boolean tlsEnabled() {
    return tlsCertPath != null && tlsKeyPath != null;
  }

  public SignerConfig withListen(String host, int port) {
    return new SignerConfig(host, port, instances, hostname, tlsCertPath, tlsKeyPath, limits, trustedNetworks, nextHop, sharedKey, accountsFile, nodeName);
  }

  public SignerConfig withInstances(int n) {
    return new SignerConfig(listenHost, listenPort, n, hostname, tlsCertPath, tlsKeyPath, limits, trustedNetworks, nextHop, sharedKey, accountsFile, nodeName);
  }

  public SignerConfig withTls(Path cert, Path key) {
    return new SignerConfig(listenHost, listenPort, instances, hostname, cert, key, limits, trustedNetworks, nextHop, sharedKey, accountsFile, nodeName);
  }

  public SignerConfig withLimits(Limits l) {
    return new SignerConfig(listenHost, listenPort, instances, hostname, tlsCertPath, tlsKeyPath, l, trustedNetworks, nextHop, sharedKey, accountsFile, nodeName);
  }

  public SignerConfig withTrustedNetworks(List<String> nets) {
    return new SignerConfig(listenHost, listenPort, instances, hostname, tlsCertPath, tlsKeyPath, limits, nets, nextHop, sharedKey, accountsFile, nodeName);
  }

  public SignerConfig withNextHop(NextHop n) {
    return new SignerConfig(listenHost, listenPort, instances, hostname, tlsCertPath, tlsKeyPath, limits, trustedNetworks, n, sharedKey, accountsFile, nodeName);
  }

  public SignerConfig withSharedKey(SharedKey k) {
    return new SignerConfig(listenHost, listenPort, instances, hostname, tlsCertPath, tlsKeyPath, limits, trustedNetworks, nextHop, k, accountsFile, nodeName);
  }

  public SignerConfig withAccountsFile(Path p) {
    return new SignerConfig(listenHost, listenPort, instances, hostname, tlsCertPath, tlsKeyPath, limits, trustedNetworks, nextHop, sharedKey, p, nodeName);
  }

  public SignerConfig withNodeName(String n) {
    return new SignerConfig(listenHost, listenPort, instances, hostname, tlsCertPath, tlsKeyPath, limits, trustedNetworks, nextHop, sharedKey, accountsFile, n);
  }

  /** Every problem, each as {@code signer.key: problem (value)}; empty when valid. */
  public List<String> validate() {
    var errors = new ArrayList<String>();
    if (listenHost == null || listenHost.isBlank()) {
      errors.add("signer.listen_host: must be set");
    }
    if (listenPort < 0 || listenPort > 65535) {
      errors.add("signer.listen_port: must be 0..65535 (" + listenPort + ")");
    }
    if (instances < 1) {
      errors.add("signer.instances: must be >= 1 (" + instances + ")");
    }
    if (hostname == null || hostname.isBlank()) {
      errors.add("signer.hostname: must be set");
    }
    if ((tlsCertPath == null) != (tlsKeyPath == null)) {
      errors.add("signer.tls: tls_cert and tls_key must be set together");
    }
    if (limits.maxMessageBytes() < 1024) {
      errors.add("signer.limits.max_message_bytes: must be >= 1024 (" + limits.maxMessageBytes() + ")");
    }
    if (limits.maxRecipients() < 1) {
      errors.add("signer.limits.max_recipients: must be >= 1 (" + limits.maxRecipients() + ")");
    }
    if (limits.maxCommandLine() < 512) {
      errors.add("signer.limits.max_command_line: RFC 5321 requires >= 512 (" + limits.maxCommandLine() + ")");
    }
    if (limits.maxDataLine() < 1000) {
      errors.add("signer.limits.max_data_line: RFC 5321 requires >= 1000 (" + limits.maxDataLine() + ")");
    }
    if (limits.commandTimeout() == null || limits.commandTimeout().isNegative() || limits.commandTimeout().isZero()) {
      errors.add("signer.limits.command_timeout: must be > 0");
    }
    if (limits.dataTimeout() == null || limits.dataTimeout().isNegative() || limits.dataTimeout().isZero()) {
      errors.add("signer.limits.data_timeout: must be > 0");
    }
    if (limits.maxConnectionsPerIp() < 1) {
      errors.add("signer.limits.max_connections_per_ip: must be >= 1");
    }
    for (String net : trustedNetworks) {
      try {
        io.mailtrace.signer.accounts.Cidr.parse(net);
      } catch (IllegalArgumentException e) {
        errors.add("signer.trusted_networks: not a CIDR (" + net + ")");
      }
    }
    if (nextHop == null || nextHop.host() == null || nextHop.host().isBlank()) {
      errors.add("signer.next_hop.host: must be set");
    } else if (nextHop.port() < 1 || nextHop.port() > 65535) {
      errors.add("signer.next_hop.port: must be 1..65535 (" + nextHop.port() + ")");
    }
    if (sharedKey == null) {
      errors.add("signer.shared_key: domain, selector and key_path must be set");
    } else {
      if (sharedKey.domain() == null || sharedKey.domain().isBlank()) {
        errors.add("signer.shared_key.domain: must be set");
      }
      if (sharedKey.selector() == null || sharedKey.selector().isBlank()) {
        errors.add("signer.shared_key.selector: must be set");
      }
      if (sharedKey.keyPath() == null) {
        errors.add("signer.shared_key.key_path: must be set");
      }
    }
    if (accountsFile == null) {
      errors.add("signer.accounts_file: must be set");
    }
    if (nodeName == null || nodeName.isBlank()) {
      errors.add("signer.node_name: must be set");
    }
    return errors;
  }
}
