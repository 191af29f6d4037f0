package io.mailtrace.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One outbound SMTP transaction as the signer saw it: the contract between signer, ingest and
 * query-api. Serialized as snake_case JSON by {@link TraceJson}; field names are part of the
 * Elasticsearch mapping ({@code index-template.json}) and are never renamed without a migration.
 *
 * @param id time-ordered unique id ({@link TraceIds}); also the Elasticsearch {@code _id}
 * @param timestamp when the transaction ended (UTC); chooses the weekly index
 * @param account the sending account (AUTH user or the account named by a trusted MTA)
 * @param domain sender domain (the account's domain)
 * @param statusReason why the message was not relayed (our reply or the next hop's), if it was not
 * @param dkimCustomSkipped why the domain's custom key was not used, when it has one
 * @param node the signer node that handled the message
 */
public record TraceRecord(
    String id,
    @JsonProperty("@timestamp") Instant timestamp,
    String account,
    String domain,
    String envelopeFrom,
    String headerFrom,
    String subject,
    String messageId,
    long sizeBytes,
    String clientIp,
    String clientHelo,
    TlsInfo tls,
    TraceStatus status,
    String statusReason,
    List<RecipientOutcome> recipients,
    List<DkimSignatureInfo> dkim,
    CustomSkipReason dkimCustomSkipped,
    String node) {

  public TraceRecord {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(timestamp, "timestamp");
    Objects.requireNonNull(status, "status");
    recipients = recipients == null ? List.of() : List.copyOf(recipients);
    dkim = dkim == null ? List.of() : List.copyOf(dkim);
  }

  /** Recipient addresses in envelope order. */
  public List<String> recipientAddresses() {
    return recipients.stream().map(RecipientOutcome::address).toList();
  }
}
