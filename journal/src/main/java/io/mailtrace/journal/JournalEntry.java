package io.mailtrace.journal;

import java.nio.charset.StandardCharsets;

/**
 * One line read from the journal, exactly as written (without its newline). It is usually one
 * trace record as JSON, but the reader never judges: a line that is not valid JSON is returned
 * as well, so ingest can dead-letter it.
 *
 * @param position where the line starts
 * @param next where the following line starts: the position to checkpoint once this one is done
 * @param line the bytes of the line
 * @param torn true for an unterminated remainder at the end of a closed segment (crash debris)
 */
public record JournalEntry(JournalPosition position, JournalPosition next, byte[] line, boolean torn) {
  public String text() {
    return new String(line, StandardCharsets.UTF_8);
  }
}
