package io.mailtrace.app.config;

import java.util.Locale;
import java.util.Optional;

/** What a process runs; `mailtrace run --roles signer,ingest,api` (default: all). */
public enum Role {
  SIGNER, INGEST, API;

  public static Optional<Role> parse(String s) {
    try {
      return Optional.of(valueOf(s.trim().toUpperCase(Locale.ROOT)));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }
}
