package io.mailtrace.signer.pipeline;

import io.mailtrace.journal.JournalFullException;
import io.mailtrace.journal.TraceJournal;
import io.mailtrace.model.CustomSkipReason;
import io.mailtrace.model.DkimSignatureInfo;
import io.mailtrace.model.RecipientOutcome;
import io.mailtrace.model.RecipientStatus;
import io.mailtrace.model.TraceIds;
import io.mailtrace.model.TraceRecord;
import io.mailtrace.model.TraceStatus;
import io.mailtrace.signer.dkim.DkimSigningException;
import io.mailtrace.signer.dkim.MessageSigner;
import io.mailtrace.signer.dkim.SignedMessage;
import io.mailtrace.signer.dkim.SigningKeySource;
import io.mailtrace.signer.message.HeaderSection;
import io.mailtrace.signer.message.MalformedMessageException;
import io.mailtrace.signer.message.MessageProblem;
import io.mailtrace.signer.message.MessageSummary;
import io.mailtrace.signer.relay.NextHopUnavailableException;
import io.mailtrace.signer.smtp.SmtpReply;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * From-header policy → key selection → DKIM signing → next hop → journal → reply. The final 250
 * is given only when the next hop accepted the signed bytes AND the trace record is durable.
 */
public final class SigningPipeline implements DeliveryPipeline {
  private static final Logger log = LoggerFactory.getLogger(SigningPipeline.class);

  private final MessageSigner signer;
  private final SigningKeySource keys;
  private final TraceJournal journal;
  private final String relayAddress;
  private final String node;
  private final Clock clock;

  public SigningPipeline(
      MessageSigner signer, SigningKeySource keys, TraceJournal journal, String relayAddress, String node, Clock clock) {
    this.signer = signer;
    this.keys = keys;
    this.journal = journal;
    this.relayAddress = relayAddress;
    this.node = node;
    this.clock = clock;
  }

  /** What signing produced, carried to the record. */
  private record Signed(MessageSummary headers, SignedMessage message, Optional<CustomSkipReason> skipped) {}

  /** A refusal decided before the next hop saw the message. */
  private static final class Refused extends RuntimeException {
    final SmtpReply reply;

    Refused(SmtpReply reply) {
      super(reply.oneLine(), null, false, false);
      this.reply = reply;
    }
  }

  @Override
  public Future<SmtpReply> deliver(Transaction tx, byte[] message) {
    String domain = tx.account().domain();
    // One strict parse serves policy and signing, so they never disagree on From (and the signer
    // does not split the header section a second time).
    final HeaderSection section;
    final MessageSummary headers;
    try {
      section = HeaderSection.parse(message);
      headers = MessageSummary.of(section);
    } catch (MalformedMessageException e) {
      SmtpReply refusal = e.problem() == MessageProblem.MIXED_FROM_DOMAINS
          ? SmtpReply.FROM_DOMAIN_NOT_ALLOWED
          : SmtpReply.unsignable(e.getMessage());
      return refuse(tx, null, refusal, message.length);
    }
    if (!headers.fromDomain().equals(domain)) {
      return refuse(tx, headers, SmtpReply.FROM_DOMAIN_NOT_ALLOWED, message.length);
    }
    String fromDomain = headers.fromDomain();
    return keys.keysFor(domain, fromDomain)
        .compose(sel -> signer.sign(message, section, sel.keys()).map(sm -> new Signed(headers, sm, sel.customSkipped())))
        .recover(err -> Future.failedFuture(new Refused(signingFailure(err))))
        .compose(signed -> tx.relay().data(signed.message().bytes())
            .recover(err -> {
              log.warn("next hop {} failed during DATA: {}", relayAddress, err.toString());
              return Future.succeededFuture(err instanceof NextHopUnavailableException
                  ? SmtpReply.NEXT_HOP_PROTOCOL_ERROR : SmtpReply.LOCAL_ERROR);
            })
            .compose(finalReply -> {
              TraceRecord rec = record(tx, headers, signed, finalReply, true, message.length);
              return append(rec, finalReply.positive() ? SmtpReply.accepted(rec.id()) : finalReply);
            }))
        .recover(err -> err instanceof Refused r
            ? refuse(tx, headers, r.reply, message.length)
            : Future.succeededFuture(SmtpReply.LOCAL_ERROR))
        .andThen(x -> tx.releaseRelay());
  }

  private static SmtpReply signingFailure(Throwable err) {
    if (err instanceof DkimSigningException e && e.permanent()) {
      return SmtpReply.unsignable(e.getMessage());
    }
    log.warn("signing failed temporarily: {}", err.toString());
    return SmtpReply.SIGNING_TEMP_FAILURE;
  }

  @Override
  public Future<SmtpReply> refuse(Transaction tx, SmtpReply refusal, long sizeBytes) {
    return refuse(tx, null, refusal, sizeBytes);
  }

  @Override
  public boolean canTrace() {
    return !journal.nearlyFull();
  }

  private Future<SmtpReply> refuse(Transaction tx, MessageSummary headers, SmtpReply refusal, long sizeBytes) {
    tx.releaseRelay();
    return append(record(tx, headers, null, refusal, false, sizeBytes), refusal);
  }

  /** Appends the record; the client gets {@code reply} only once it is durable. */
  private Future<SmtpReply> append(TraceRecord rec, SmtpReply reply) {
    return journal.append(rec)
        .map(v -> reply)
        .otherwise(err -> {
          log.warn("journal append of {} failed ({}); answering {}", rec.id(), err.toString(),
              err instanceof JournalFullException ? "452" : "451");
          return err instanceof JournalFullException ? SmtpReply.JOURNAL_FULL : SmtpReply.JOURNAL_WRITE_FAILED;
        });
  }

  private TraceRecord record(
      Transaction tx, MessageSummary h, Signed signed, SmtpReply decisive, boolean reachedNextHop, long size) {
    var outcomes = new ArrayList<RecipientOutcome>();
    int relayed = 0;
    int deferred = 0;
    for (Transaction.Rcpt r : tx.rcpts()) {
      SmtpReply reply = r.reply().positive() ? decisive : r.reply();
      boolean sent = r.reply().positive() ? reachedNextHop : true;
      RecipientStatus st = reply.positive() ? RecipientStatus.RELAYED
          : reply.transientFailure() ? RecipientStatus.DEFERRED : RecipientStatus.REJECTED;
      if (st == RecipientStatus.RELAYED) {
        relayed++;
      } else if (st == RecipientStatus.DEFERRED) {
        deferred++;
      }
      outcomes.add(new RecipientOutcome(r.address(), st, reply.oneLine(), sent ? relayAddress : null));
    }
    TraceStatus status;
    if (relayed > 0 && relayed == outcomes.size()) {
      status = TraceStatus.RELAYED;
    } else if (relayed > 0) {
      status = TraceStatus.PARTIAL;
    } else if (deferred > 0 || outcomes.isEmpty() && decisive.transientFailure()) {
      status = TraceStatus.DEFERRED;
    } else {
      status = TraceStatus.REJECTED;
    }
    String reason = status == TraceStatus.RELAYED ? null
        : status == TraceStatus.PARTIAL ? (outcomes.size() - relayed) + " of " + outcomes.size() + " recipients not relayed"
        : decisive.oneLine();
    List<DkimSignatureInfo> dkim = signed == null ? List.of() : signed.message().applied();
    return new TraceRecord(
        TraceIds.next(),
        clock.instant(),
        tx.account().name(),
        tx.account().domain(),
        tx.envelopeFrom(),
        h == null ? null : h.from(),
        h == null ? null : h.subject(),
        h == null ? null : h.messageId(),
        size,
        tx.clientIp(),
        tx.clientHelo(),
        tx.tls(),
        status,
        reason,
        outcomes,
        dkim,
        signed == null ? null : signed.skipped().orElse(null),
        node);
  }
}
