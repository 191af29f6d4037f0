package io.mailtrace.model;

/**
 * One envelope recipient and its fate.
 *
 * @param address the RCPT TO address
 * @param status relayed, deferred or rejected
 * @param response the reply line that decided it (the next hop's, or ours), e.g. {@code 250 2.0.0 Ok}
 * @param relay the next hop as host:port; null when the message never reached it
 */
public record RecipientOutcome(String address, RecipientStatus status, String response, String relay) {}
