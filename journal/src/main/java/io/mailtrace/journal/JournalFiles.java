package io.mailtrace.journal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;

/**
 * How {@link FileJournal} opens the segment files it writes: the real {@link FileChannel#open} in
 * production; tests substitute channels that fail writes or fsyncs (disk full, I/O error) to prove
 * that no append is acknowledged without a durable record. Called on the journal writer thread.
 */
@FunctionalInterface
public interface JournalFiles {
  JournalFiles DEFAULT = FileChannel::open;

  FileChannel open(Path path, OpenOption... options) throws IOException;
}
