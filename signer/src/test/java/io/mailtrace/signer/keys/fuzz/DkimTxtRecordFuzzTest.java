package io.mailtrace.signer.keys.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.mailtrace.signer.dkim.DkimTags;
import io.mailtrace.signer.keys.DkimTxtRecord;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Fuzzes the DKIM TXT key-record parser (what an admin pastes or DNS returns) and the generic
 * DKIM tag-list parser. Invariants: the record parser returns a record or throws its
 * {@link DkimTxtRecord.MalformedException}; the tag-list parser returns tags or throws
 * {@link IllegalArgumentException} (its documented error); a parsed record is consistent.
 */
class DkimTxtRecordFuzzTest {

  /** The input is the TXT value (UTF-8); seeds in DkimTxtRecordFuzzTestInputs are real records. */
  @FuzzTest(maxDuration = "60s")
  @DictionaryEntries({"v=DKIM1", "k=rsa", "k=ed25519", "p=", "; ", "t=y", "h=sha256", "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA",
    "MIIBCgKCAQEA", "IDAQAB", "=="})
  void txtRecord(byte[] input) {
    String value = new String(input, StandardCharsets.UTF_8);
    DkimTxtRecord rec;
    try {
      rec = DkimTxtRecord.parse(value);
    } catch (DkimTxtRecord.MalformedException e) {
      assertThat(e.getMessage()).isNotBlank();
      return;
    }
    assertThat(rec.tags()).containsKey("p");
    assertThat(rec.revoked()).isEqualTo(rec.key().isEmpty());
    rec.key().ifPresent(k -> assertThat(rec.sameKeyAs(k)).isTrue());
  }

  /** The input is a DKIM-Signature value (UTF-8). */
  @FuzzTest(maxDuration = "30s")
  void tagList(byte[] input) {
    String s = new String(input, StandardCharsets.UTF_8);
    Map<String, String> tags;
    try {
      tags = DkimTags.parse(s);
    } catch (IllegalArgumentException e) {
      return;
    }
    tags.keySet().forEach(name -> assertThat(name).matches("[A-Za-z][A-Za-z0-9_]*"));
  }
}
