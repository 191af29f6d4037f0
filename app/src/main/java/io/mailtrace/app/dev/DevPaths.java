package io.mailtrace.app.dev;

import java.nio.file.Path;

/**
 * Where {@code mailtrace dev} keeps its state: {@code <repo>/.mailtrace} by default (git-ignored),
 * the repository being named by the launcher script ({@code -Dmailtrace.repo}).
 */
public record DevPaths(Path dataDir) {

  public static DevPaths of(String dataDirFlag) {
    if (dataDirFlag != null && !dataDirFlag.isBlank()) {
      return new DevPaths(Path.of(dataDirFlag).toAbsolutePath().normalize());
    }
    String repo = System.getProperty("mailtrace.repo");
    Path base = repo == null || repo.isBlank() ? Path.of("") : Path.of(repo);
    return new DevPaths(base.resolve(".mailtrace").toAbsolutePath().normalize());
  }

  public Path secrets() {
    return dataDir.resolve("secrets");
  }

  public Path sharedDkimKey() {
    return secrets().resolve("dkim-shared.pem");
  }

  public Path sharedDkimRecord() {
    return secrets().resolve("dkim-shared.txt");
  }

  public Path jwtSecret() {
    return secrets().resolve("jwt.secret");
  }

  public Path masterKey() {
    return secrets().resolve("master.key");
  }

  public Path tlsCert() {
    return secrets().resolve("tls.crt");
  }

  public Path tlsKey() {
    return secrets().resolve("tls.key");
  }

  /** The demo account's user name and clear password, so each start can print them again. */
  public Path demoAccount() {
    return secrets().resolve("demo-account.txt");
  }

  public Path accounts() {
    return dataDir.resolve("accounts.json");
  }

  public Path outbox() {
    return dataDir.resolve("outbox");
  }

  public Path elasticsearch() {
    return dataDir.resolve("elasticsearch");
  }

  public Path config() {
    return dataDir.resolve("mailtrace-dev.yaml");
  }
}
