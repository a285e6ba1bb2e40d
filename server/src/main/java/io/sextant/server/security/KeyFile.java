package io.sextant.server.security;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A keys file as {@code sextant keys} edits it: one key a line, {@code name scope,scope
 * sha256:<hash> # created <instant>}. A revoked key's line becomes a comment, {@code # revoked
 * <instant>: <line>}, so the file keeps who had access and when it ended. Every change is written
 * to a new file that replaces the old one in one rename, under a lock beside it, so a running
 * server (which re-reads the file every second, {@link Keyring}) sees the whole old file or the
 * whole new one, and two edits at once do not lose one another.
 */
public final class KeyFile {
  private static final Pattern CREATED = Pattern.compile("#\\s*created\\s+(\\S+)");
  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rw-------");

  private KeyFile() {}

  /** A key of the file, and when {@code keys create} made it (null when not recorded). */
  public record Entry(ApiToken key, Instant created) {}

  /** {@code raw} without its {@code #} comment (no name, scope or hash holds a {@code #}). */
  static String withoutComment(String raw) {
    int hash = raw.indexOf('#');
    return hash < 0 ? raw : raw.substring(0, hash);
  }

  /** The keys of {@code file} (none when it does not exist), in the file's order. */
  public static List<Entry> read(Path file) throws IOException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return List.of();
    }
    if (isYaml(text)) {
      return Tokens.parse(file.toString(), text).all().stream()
          .map(k -> new Entry(k, null))
          .toList();
    }
    Tokens.parse(file.toString(), text); // refuses a bad file as the server would
    List<Entry> entries = new ArrayList<>();
    for (String raw : text.lines().toList()) {
      ApiToken key = keyOf(raw);
      if (key != null) {
        entries.add(new Entry(key, createdOf(raw)));
      }
    }
    return entries;
  }

  /**
   * Adds {@code key} to {@code file} (made, owner-only, if it does not exist). A second key of one
   * name is refused: names are how keys are revoked.
   */
  public static void add(Path file, ApiToken key, Instant now) throws IOException {
    edit(
        file,
        lines -> {
          for (String l : lines) {
            ApiToken k = keyOf(l);
            if (k != null && k.name().equals(key.name())) {
              throw new IllegalArgumentException(
                  "a key named "
                      + key.name()
                      + " is already in "
                      + file
                      + "; revoke it first or choose another name");
            }
          }
          lines.add(key.line() + "  # created " + now.truncatedTo(ChronoUnit.SECONDS));
          return lines;
        });
  }

  /**
   * Revokes the key named {@code name}: its line becomes a {@code # revoked} comment. Answers the
   * key revoked; a name not in the file is refused.
   */
  public static ApiToken revoke(Path file, String name, Instant now) throws IOException {
    ApiToken[] revoked = {null};
    edit(
        file,
        lines -> {
          for (int i = 0; i < lines.size(); i++) {
            ApiToken k = keyOf(lines.get(i));
            if (k != null && k.name().equals(name)) {
              lines.set(
                  i,
                  "# revoked " + now.truncatedTo(ChronoUnit.SECONDS) + ": " + lines.get(i).strip());
              revoked[0] = k;
            }
          }
          if (revoked[0] == null) {
            throw new IllegalArgumentException(
                "no key named " + name + " in " + file + " (see `sextant keys list`)");
          }
          return lines;
        });
    return revoked[0];
  }

  private interface Edit {
    List<String> apply(List<String> lines);
  }

  private static void edit(Path file, Edit change) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Path lock = dir.resolve("." + file.getFileName() + ".lock");
    try (FileChannel l =
            FileChannel.open(lock, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock held = l.lock()) {
      String text;
      boolean exists = Files.exists(file);
      try {
        text = Files.readString(file, StandardCharsets.UTF_8);
      } catch (NoSuchFileException e) {
        text = "# Sextant API keys (docs/security.md): name scopes sha256:<hash of the secret>\n";
      }
      if (isYaml(text)) {
        throw new IllegalArgumentException(
            file
                + " is a YAML keys file: `sextant keys` edits the one-key-a-line format; edit the"
                + " YAML by hand, or move its keys to lines (`sextant keys list` shows them)");
      }
      Tokens.parse(file.toString(), text); // never rewrite a file the server would refuse
      List<String> lines = change.apply(new ArrayList<>(text.lines().toList()));
      String out = String.join("\n", lines) + "\n";
      Tokens.parse(file.toString(), out);
      Path tmp = dir.resolve("." + file.getFileName() + ".new");
      Files.deleteIfExists(tmp);
      try {
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        if (exists) {
          Files.setPosixFilePermissions(tmp, Files.getPosixFilePermissions(file));
        }
      } catch (UnsupportedOperationException e) {
        if (!Files.exists(tmp)) {
          Files.createFile(tmp);
        }
      } catch (FileAlreadyExistsException e) {
        throw new IOException(tmp + " appeared while " + file + " was locked", e);
      }
      try (FileChannel c = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ByteBuffer b = ByteBuffer.wrap(out.getBytes(StandardCharsets.UTF_8));
        while (b.hasRemaining()) {
          c.write(b);
        }
        c.force(true);
      }
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }

  private static boolean isYaml(String text) {
    return text.lines().map(String::strip).anyMatch(l -> l.startsWith("tokens:"));
  }

  /** The key on line {@code raw}, or null for a comment or a blank line. */
  private static ApiToken keyOf(String raw) {
    String line = withoutComment(raw).strip();
    if (line.isEmpty()) {
      return null;
    }
    return Tokens.parse("line", line).all().get(0);
  }

  private static Instant createdOf(String raw) {
    int hash = raw.indexOf('#');
    if (hash < 0) {
      return null;
    }
    Matcher m = CREATED.matcher(raw.substring(hash));
    if (!m.lookingAt()) {
      return null;
    }
    try {
      return Instant.parse(m.group(1));
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
