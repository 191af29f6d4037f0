package io.mailtrace.signer.accounts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccountStoreTest {
  private static final PasswordHasher FAST = new PasswordHasher(1024, 1, 1);

  @Test
  void addVerifyListRemoveAcrossInstances(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("accounts.tsv");
    AccountStore cli = AccountStore.open(file, FAST);
    assertThat(cli.add("shop@example.com", null, "s3cret".toCharArray())).isEqualTo(new Account("shop@example.com", "example.com"));
    assertThat(cli.add("billing", "Example.ORG", "pw".toCharArray()).domain()).isEqualTo("example.org");
    assertThatThrownBy(() -> cli.add("SHOP@example.com", null, "x".toCharArray())).hasMessageContaining("already exists");
    assertThatThrownBy(() -> cli.add("nodomain", null, "x".toCharArray())).hasMessageContaining("needs a domain");
    assertThatThrownBy(() -> cli.add("bad name", "example.com", "x".toCharArray())).isInstanceOf(IllegalArgumentException.class);

    AccountStore server = AccountStore.open(file, FAST); // another process, e.g. the SMTP server
    assertThat(server.verify("shop@example.com", "s3cret".toCharArray())).isPresent();
    assertThat(server.verify("shop@example.com", "wrong".toCharArray())).isEmpty();
    assertThat(server.verify("nobody", "s3cret".toCharArray())).isEmpty();
    assertThat(server.forDomain("example.org")).map(Account::name).contains("billing");
    assertThat(cli.list()).extracting(Account::name).containsExactly("billing", "shop@example.com");

    String content = Files.readString(file);
    assertThat(content).contains("shop@example.com\texample.com\t$argon2id$v=19$m=1024,t=1,p=1$").doesNotContain("s3cret");
    assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");

    assertThat(cli.remove("shop@example.com")).isTrue();
    assertThat(cli.remove("shop@example.com")).isFalse();
    assertThat(server.verify("shop@example.com", "s3cret".toCharArray())).isEmpty(); // server reloads the file
  }

  @Test
  void domainLookupsFromMemoryAreRecentHitsOnlyAndARemovalEndsThemWithinTheWindow(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("accounts.tsv");
    AccountStore cli = AccountStore.open(file, FAST);
    cli.add("zeta", "example.com", "pw".toCharArray());
    cli.add("alpha", "example.com", "pw".toCharArray());
    AtomicLong now = new AtomicLong(1_000_000_000L);
    AccountStore server = AccountStore.open(file, FAST, now::get);

    // Fresh from open: the first account by name of the domain, domains matched case-insensitively.
    assertThat(server.recentForDomain("EXAMPLE.com")).isEqualTo(new Account("alpha", "example.com"));
    // A miss is never answered from memory: an account added by the CLI is found by the worker lookup.
    assertThat(server.recentForDomain("example.org")).isNull();
    cli.add("shop", "example.org", "pw".toCharArray());
    assertThat(server.forDomain("example.org")).map(Account::name).contains("shop");
    assertThat(server.recentForDomain("example.org")).isEqualTo(new Account("shop", "example.org"));

    cli.remove("shop");
    now.addAndGet(AccountStore.RECENT_NANOS - 1);
    assertThat(server.recentForDomain("example.org")).isNotNull(); // inside the window
    now.addAndGet(1);
    assertThat(server.recentForDomain("example.org")).isNull(); // stale: the caller asks the file
    assertThat(server.forDomain("example.org")).isEmpty();
    assertThat(server.recentForDomain("example.org")).isNull();
    assertThat(server.recentForDomain("example.com")).isEqualTo(new Account("alpha", "example.com"));
  }

  @Test
  void phcHashesAreArgon2idAndVerifyOnlyTheirPassword() {
    var h = new PasswordHasher(2048, 2, 1);
    String phc = h.hash("correct horse".toCharArray());
    assertThat(phc).matches("\\$argon2id\\$v=19\\$m=2048,t=2,p=1\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}");
    assertThat(h.verify("correct horse".toCharArray(), phc)).isTrue();
    assertThat(h.verify("correct horsf".toCharArray(), phc)).isFalse();
    assertThat(h.verify("x".toCharArray(), "$argon2i$v=19$m=1,t=1,p=1$AAAA$AAAA")).isFalse();
  }

  @Test
  void cidrs() {
    assertThat(Cidr.parse("10.0.0.0/8").contains("10.200.3.4")).isTrue();
    assertThat(Cidr.parse("10.0.0.0/8").contains("11.0.0.1")).isFalse();
    assertThat(Cidr.parse("192.168.1.0/25").contains("192.168.1.127")).isTrue();
    assertThat(Cidr.parse("192.168.1.0/25").contains("192.168.1.128")).isFalse();
    assertThat(Cidr.parse("127.0.0.1").contains("127.0.0.1")).isTrue();
    assertThat(Cidr.parse("2001:db8::/32").contains("2001:db8:1::5")).isTrue();
    assertThat(Cidr.parse("2001:db8::/32").contains("10.0.0.1")).isFalse();
    assertThatThrownBy(() -> Cidr.parse("example.com/8")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Cidr.parse("10.0.0.0/33")).isInstanceOf(IllegalArgumentException.class);
  }
}
