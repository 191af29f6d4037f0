package io.mailtrace.signer.keys;

/** Told when this node changed a key, so a signer in the same process applies it at once. */
@FunctionalInterface
public interface KeyChangeListener {
  void keysChanged(String domain);
}
