package dev.parley.standalone;

import dev.parley.platform.db.DatabaseConfig;
import dev.parley.platform.db.EmbeddedPostgresServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The embedded default: PostgreSQL's data under {@code <data dir>/postgres}, and the application
 * role's password generated once into {@code <data dir>/app-password} (readable by its owner only),
 * so that a restart and the key commands find the same database and role.
 */
final class EmbeddedDatabase {
  static final String DATABASE = "postgres";

  private EmbeddedDatabase() {}

  /**
   * The lock of the data folder: only the process holding it runs the embedded server. Null when
   * another process holds it.
   */
  static FileLock tryLock(Path dataDirectory) {
    try {
      Files.createDirectories(dataDirectory);
      FileChannel channel =
          FileChannel.open(
              dataDirectory.resolve("parley.lock"),
              StandardOpenOption.CREATE,
              StandardOpenOption.WRITE);
      FileLock lock = channel.tryLock();
      if (lock == null) {
        channel.close();
      }
      return lock;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot lock " + dataDirectory, e);
    }
  }

  static void release(FileLock lock) {
    try {
      lock.release();
      lock.channel().close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Path postgresDirectory(Path dataDirectory) {
    return dataDirectory.resolve("postgres");
  }

  static DatabaseConfig config(EmbeddedPostgresServer server, Path dataDirectory, int poolSize) {
    return server.databaseConfig(DATABASE, appPassword(dataDirectory), poolSize);
  }

  private static String appPassword(Path dataDirectory) {
    Path file = dataDirectory.resolve("app-password");
    try {
      if (Files.exists(file)) {
        return Files.readString(file, StandardCharsets.UTF_8).strip();
      }
      Files.createDirectories(dataDirectory);
      byte[] random = new byte[24];
      new SecureRandom().nextBytes(random);
      String password = HexFormat.of().formatHex(random);
      Files.writeString(file, password, StandardCharsets.UTF_8);
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      return password;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot keep the application password in " + file, e);
    }
  }
}
