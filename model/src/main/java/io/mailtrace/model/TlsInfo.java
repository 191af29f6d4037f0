package io.mailtrace.model;

/**
 * TLS use of the inbound SMTP session.
 *
 * @param enabled whether STARTTLS was completed before the message was sent
 * @param protocol e.g. {@code TLSv1.3}; null when not enabled
 * @param cipher the negotiated cipher suite; null when not enabled
 */
public record TlsInfo(boolean enabled, String protocol, String cipher) {
  public static final TlsInfo NONE = new TlsInfo(false, null, null);
}
