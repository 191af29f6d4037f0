package io.mailtrace.signer.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import javax.crypto.AEADBadTagException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyEncryptionTest {
  @TempDir Path dir;

  @Test
  void roundTripWithAFreshNonceEachTime() throws Exception {
    Path f = dir.resolve("master.key");
    KeyEncryption.createKeyFile(f);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-------");
    KeyEncryption e = KeyEncryption.fromFile(f);
    byte[] secret = "pkcs8 bytes".getBytes(StandardCharsets.UTF_8);
    KeyEncryption.Sealed s1 = e.encrypt("a.example", "mt1", secret);
    KeyEncryption.Sealed s2 = e.encrypt("a.example", "mt1", secret);
    assertThat(s1.nonce()).isNotEqualTo(s2.nonce());
    assertThat(s1.ciphertext()).isNotEqualTo(s2.ciphertext());
    assertThat(java.util.Base64.getDecoder().decode(s1.nonce())).hasSize(12);
    assertThat(e.decrypt("a.example", "mt1", s1)).isEqualTo(secret);
    assertThat(s1.toString()).doesNotContain(s1.ciphertext());
  }

  @Test
  void anotherDomainSelectorOrMasterKeyDoesNotDecrypt() throws Exception {
    KeyEncryption e = KeyEncryption.of(new byte[32]);
    KeyEncryption.Sealed s = e.encrypt("a.example", "mt1", new byte[] {1, 2, 3});
    assertThatThrownBy(() -> e.decrypt("b.example", "mt1", s)).isInstanceOf(AEADBadTagException.class);
    assertThatThrownBy(() -> e.decrypt("a.example", "mt2", s)).isInstanceOf(AEADBadTagException.class);
    byte[] other = new byte[32];
    other[0] = 1;
    assertThatThrownBy(() -> KeyEncryption.of(other).decrypt("a.example", "mt1", s)).isInstanceOf(AEADBadTagException.class);
  }

  @Test
  void masterKeyMustBe32BytesAndIsNeverOverwritten() throws Exception {
    assertThatThrownBy(() -> KeyEncryption.of(new byte[16])).isInstanceOf(IllegalArgumentException.class);
    Path f = dir.resolve("k");
    Files.writeString(f, "dG9vIHNob3J0\n");
    assertThatThrownBy(() -> KeyEncryption.fromFile(f)).isInstanceOf(java.io.IOException.class);
    Files.write(f, new byte[32]);
    assertThat(KeyEncryption.fromFile(f)).isNotNull();
    assertThatThrownBy(() -> KeyEncryption.createKeyFile(f)).isInstanceOf(FileAlreadyExistsException.class);
  }
}
