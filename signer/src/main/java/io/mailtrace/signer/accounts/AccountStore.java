package io.mailtrace.signer.accounts;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The file-backed account store: one account a line, {@code name<TAB>domain<TAB>$argon2id$...}.
 *
 * <p>Used by the {@code mailtrace account add|remove|list} CLI and by the SMTP server, possibly at
 * the same time from different processes: every write replaces the file atomically (temp file,
 * fsync, rename), and readers reload it when its modification time or size changed. All methods
 * block (file I/O, Argon2id): call them from a worker thread, never from an event loop, except
 * {@link #recentForDomain}, which only reads memory. Thread-safe.
 */
public final class AccountStore {
  /**
   * How long a domain's account, once seen, is answered from memory without looking at the file:
   * an account removed with {@code mailtrace account remove} stops being usable within this time.
   */
  public static final long RECENT_NANOS = TimeUnit.SECONDS.toNanos(1);

  private record Entry(Account account, String hash) {}

  /** Domain → its account (the first by name), as of the file at {@code checkedAt}; replaced whole. */
  private record DomainIndex(Map<String, Account> byDomain, long checkedAt) {}

  private final Path file;
  private final PasswordHasher hasher;
  private Map<String, Entry> entries = new LinkedHashMap<>();
  private FileTime loadedMtime;
  private long loadedSize = -1;
  /** A valid hash to burn the same CPU for unknown names as for known ones (no user enumeration by timing). */
  private final String dummyHash;
  private final LongSupplier nanoTime;
  private volatile DomainIndex domainIndex;

  private AccountStore(Path file, PasswordHasher hasher, LongSupplier nanoTime) {
    this.file = file;
    this.hasher = hasher;
    this.dummyHash = hasher.hash("dummy-password".toCharArray());
    this.nanoTime = nanoTime;
    this.domainIndex = new DomainIndex(Map.of(), nanoTime.getAsLong() - 2 * RECENT_NANOS);
  }

  /** Opens (without creating) the store at {@code file}; a missing file is an empty store. */
  public static AccountStore open(Path file, PasswordHasher hasher) {
    return open(file, hasher, System::nanoTime);
  }

  /** As {@link #open(Path, PasswordHasher)}, with the clock that dates each look at the file (tests). */
  static AccountStore open(Path file, PasswordHasher hasher, LongSupplier nanoTime) {
    var store = new AccountStore(file, hasher, nanoTime);
    synchronized (store) {
      store.reloadIfChanged();
    }
    return store;
  }

  public static AccountStore open(Path file) {
    return open(file, PasswordHasher.defaults());
  }

  public Path file() {
    return file;
  }

  /**
   * Adds an account. {@code domain} may be null when {@code name} is {@code user@domain}.
   *
   * @throws IllegalArgumentException for an invalid name/domain, an empty password or an existing name
   */
  public synchronized Account add(String name, String domain, char[] password) {
    reloadIfChanged();
    Account account = Account.of(name, domain);
    if (password == null || password.length == 0) {
      throw new IllegalArgumentException("password must not be empty");
    }
    String key = key(account.name());
    if (entries.containsKey(key)) {
      throw new IllegalArgumentException("account '" + account.name() + "' already exists");
    }
    var next = new LinkedHashMap<>(entries);
    next.put(key, new Entry(account, hasher.hash(password)));
    write(next);
    return account;
  }

  /** Removes an account; false when there was none of that name. */
  public synchronized boolean remove(String name) {
    reloadIfChanged();
    var next = new LinkedHashMap<>(entries);
    if (next.remove(key(name)) == null) {
      return false;
    }
    write(next);
    return true;
  }

  /** All accounts, sorted by name (no hashes). */
  public synchronized List<Account> list() {
    reloadIfChanged();
    return entries.values().stream().map(Entry::account).sorted(Comparator.comparing(Account::name)).toList();
  }

  /** The account when the password matches; empty otherwise. Costs one Argon2id either way. */
  public Optional<Account> verify(String name, char[] password) {
    Entry e;
    synchronized (this) {
      reloadIfChanged();
      e = name == null ? null : entries.get(key(name));
    }
    if (e == null) {
      hasher.verify(password, dummyHash);
      return Optional.empty();
    }
    return hasher.verify(password, e.hash()) ? Optional.of(e.account()) : Optional.empty();
  }

  /**
   * The account that owns {@code domain} (used for trusted networks, where the envelope sender
   * names the account). With several accounts on one domain the first by name is chosen.
   */
  public synchronized Optional<Account> forDomain(String domain) {
    reloadIfChanged();
    return Optional.ofNullable(domainIndex.byDomain().get(domainKey(domain)));
  }

  /**
   * Non-blocking {@link #forDomain}, for the event loop: the domain's account when the file was
   * looked at less than {@link #RECENT_NANOS} ago and had one; null otherwise (then call
   * {@link #forDomain} on a worker). A miss is never answered from memory, so an account just added
   * is usable at once; a removed one stops within {@link #RECENT_NANOS}.
   */
  public Account recentForDomain(String domain) {
    DomainIndex index = domainIndex;
    if (nanoTime.getAsLong() - index.checkedAt() >= RECENT_NANOS) {
      return null;
    }
    return index.byDomain().get(domainKey(domain));
  }

  private static String domainKey(String domain) {
    return domain == null ? "" : domain.toLowerCase(Locale.ROOT);
  }

  /** Rebuilds the domain index from {@code entries}; call holding this monitor. */
  private void indexDomains() {
    Map<String, Account> byDomain = new HashMap<>();
    entries.values().stream().map(Entry::account).sorted(Comparator.comparing(Account::name))
        .forEach(a -> byDomain.putIfAbsent(a.domain(), a));
    domainIndex = new DomainIndex(Map.copyOf(byDomain), nanoTime.getAsLong());
  }

  private static String key(String name) {
    return name.toLowerCase(Locale.ROOT);
  }

  private void reloadIfChanged() {
    try {
      FileTime mtime = Files.getLastModifiedTime(file);
      long size = Files.size(file);
      if (mtime.equals(loadedMtime) && size == loadedSize) {
        domainIndex = new DomainIndex(domainIndex.byDomain(), nanoTime.getAsLong());
        return;
      }
      var loaded = new LinkedHashMap<String, Entry>();
      int n = 0;
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        n++;
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] f = line.split("\t");
        if (f.length != 3) {
          throw new IllegalStateException(file + ":" + n + ": expected name<TAB>domain<TAB>hash");
        }
        Account a = new Account(f[0], f[1]);
        loaded.put(key(a.name()), new Entry(a, f[2]));
      }
      entries = loaded;
      loadedMtime = mtime;
      loadedSize = size;
      indexDomains();
    } catch (NoSuchFileException e) {
      entries = new LinkedHashMap<>();
      loadedMtime = null;
      loadedSize = -1;
      indexDomains();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read account store " + file, e);
    }
  }

  private void write(Map<String, Entry> next) {
    var b = new StringBuilder("# mailtrace accounts: name<TAB>domain<TAB>argon2id hash\n");
    for (Entry e : next.values()) {
      b.append(e.account().name()).append('\t').append(e.account().domain()).append('\t').append(e.hash()).append('\n');
    }
    try {
      Path dir = file.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, ".accounts", ".tmp");
      try {
        try {
          Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException ignored) {
          // not a POSIX file system
        }
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
          ch.write(java.nio.ByteBuffer.wrap(b.toString().getBytes(StandardCharsets.UTF_8)));
          ch.force(true);
        }
        try {
          Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
      } finally {
        Files.deleteIfExists(tmp);
      }
      entries = new LinkedHashMap<>(next);
      loadedMtime = Files.getLastModifiedTime(file);
      loadedSize = Files.size(file);
      indexDomains();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write account store " + file, e);
    }
  }

  /** For diagnostics: how many accounts are loaded. */
  public synchronized int size() {
    reloadIfChanged();
    return entries.size();
  }

}
