package io.mailtrace.signer.dkim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SharedKeySourceTest {
  @Test
  void alwaysSelectsTheSharedKeyAlone() {
    SharedKeySource source = new SharedKeySource(TestKeys.shared());
    SigningKeySource.Selection s = source.keysFor("example.com", "example.com").result();
    assertThat(s.keys()).containsExactly(TestKeys.shared());
    assertThat(s.customSkipped()).isEmpty();
    assertThat(source.keysFor("other.example", "x.example").result().keys()).containsExactly(TestKeys.shared());
  }

  @Test
  void refusesACustomKey() {
    assertThatThrownBy(() -> new SharedKeySource(TestKeys.custom())).isInstanceOf(IllegalArgumentException.class);
  }
}
