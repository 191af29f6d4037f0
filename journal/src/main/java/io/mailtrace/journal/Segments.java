package io.mailtrace.journal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Segment file naming and listing, plus the directory fsync every rename/create needs. */
final class Segments {
  static final String SUFFIX = ".ndjson";
  static final String PREFIX = "segment-";

  private Segments() {}

  static Path path(Path dir, long segment) {
    return dir.resolve(String.format("%s%019d%s", PREFIX, segment, SUFFIX));
  }

  /** Segment numbers present in the directory, ascending. */
  static List<Long> list(Path dir) throws IOException {
    List<Long> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (Stream<Path> s = Files.list(dir)) {
      s.forEach(p -> {
        String n = p.getFileName().toString();
        if (n.startsWith(PREFIX) && n.endsWith(SUFFIX)) {
          try {
            out.add(Long.parseLong(n.substring(PREFIX.length(), n.length() - SUFFIX.length())));
          } catch (NumberFormatException ignored) {
            // not one of ours
          }
        }
      });
    }
    out.sort(null);
    return out;
  }

  /** Sum of the sizes of all segment files (a file deleted meanwhile counts 0). */
  static long totalBytes(Path dir) throws IOException {
    long total = 0;
    for (long s : list(dir)) {
      try {
        total += Files.size(path(dir, s));
      } catch (java.nio.file.NoSuchFileException e) {
        // deleted by ingest between listing and stat
      }
    }
    return total;
  }

  /** Makes a create, rename or delete in the directory durable. */
  static void fsyncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }
}
