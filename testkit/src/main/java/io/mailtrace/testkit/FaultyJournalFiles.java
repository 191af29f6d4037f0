package io.mailtrace.testkit;

import io.mailtrace.journal.JournalFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Journal segment files on the real file system whose writes or fsyncs can be made to fail like
 * a full disk, switched at run time: plug it in with {@code JournalConfig.withFiles(...)}.
 * A failing write first writes part of the buffer (as a short write before ENOSPC does), so the
 * journal must cut torn bytes off; a failing fsync leaves the written bytes in the file. Truncating
 * still works (shrinking a file frees space). Thread-safe; the switch is read on every call.
 */
public final class FaultyJournalFiles implements JournalFiles {
  /** What fails while switched on. */
  public enum Fault {
    NONE,
    /** write(2) fails with ENOSPC after writing part of the buffer. */
    WRITE,
    /** fsync fails with ENOSPC (thin provisioning, NFS, delayed allocation). */
    FORCE
  }

  static final String ENOSPC = "No space left on device";

  private volatile Fault fault = Fault.NONE;
  private final AtomicLong injected = new AtomicLong();

  public void set(Fault f) {
    fault = f;
  }

  public Fault fault() {
    return fault;
  }

  /** How many calls failed because of the switch so far. */
  public long injected() {
    return injected.get();
  }

  @Override
  public FileChannel open(Path path, OpenOption... options) throws IOException {
    return new Channel(FileChannel.open(path, options));
  }

  private IOException enospc() {
    injected.incrementAndGet();
    return new IOException(ENOSPC);
  }

  private final class Channel extends FileChannel {
    private final FileChannel real;

    Channel(FileChannel real) {
      this.real = real;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
      if (fault == Fault.WRITE) {
        writePartOf(src);
        throw enospc();
      }
      return real.write(src);
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
      if (fault == Fault.WRITE) {
        for (int i = offset; i < offset + length; i++) {
          if (srcs[i].hasRemaining()) {
            writePartOf(srcs[i]);
            break;
          }
        }
        throw enospc();
      }
      return real.write(srcs, offset, length);
    }

    private void writePartOf(ByteBuffer src) throws IOException {
      ByteBuffer half = src.duplicate();
      half.limit(half.position() + half.remaining() / 2);
      int n = real.write(half);
      src.position(src.position() + n);
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
      if (fault == Fault.WRITE) {
        throw enospc();
      }
      return real.write(src, position);
    }

    @Override
    public void force(boolean metaData) throws IOException {
      if (fault == Fault.FORCE) {
        throw enospc();
      }
      real.force(metaData);
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
      return real.read(dst);
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
      return real.read(dsts, offset, length);
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
      return real.read(dst, position);
    }

    @Override
    public long position() throws IOException {
      return real.position();
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
      real.position(newPosition);
      return this;
    }

    @Override
    public long size() throws IOException {
      return real.size();
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
      real.truncate(size);
      return this;
    }

    @Override
    public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
      return real.transferTo(position, count, target);
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
      if (fault == Fault.WRITE) {
        throw enospc();
      }
      return real.transferFrom(src, position, count);
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
      return real.map(mode, position, size);
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) throws IOException {
      return real.lock(position, size, shared);
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) throws IOException {
      return real.tryLock(position, size, shared);
    }

    @Override
    protected void implCloseChannel() throws IOException {
      real.close();
    }
  }
}
