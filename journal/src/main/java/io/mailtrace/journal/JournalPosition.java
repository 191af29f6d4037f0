package io.mailtrace.journal;

import java.util.Comparator;

/** A byte position in the journal: segment number and offset inside that segment file. */
public record JournalPosition(long segment, long offset) implements Comparable<JournalPosition> {
  public static final JournalPosition START = new JournalPosition(0, 0);
  private static final Comparator<JournalPosition> ORDER =
      Comparator.comparingLong(JournalPosition::segment).thenComparingLong(JournalPosition::offset);

  public JournalPosition {
    if (segment < 0 || offset < 0) {
      throw new IllegalArgumentException("negative journal position " + segment + ":" + offset);
    }
  }

  @Override
  public int compareTo(JournalPosition o) {
    return ORDER.compare(this, o);
  }

  @Override
  public String toString() {
    return segment + ":" + offset;
  }
}
