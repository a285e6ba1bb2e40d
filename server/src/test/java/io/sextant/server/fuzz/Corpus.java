package io.sextant.server.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The seed corpus of a parser: the files under {@code src/test/resources/fuzz/<parser>/}, each one
 * seed; a {@code .txt} file holds one seed a line.
 */
public final class Corpus {
  private Corpus() {}

  public static List<byte[]> seeds(String parser) {
    URL dir = Corpus.class.getResource("/fuzz/" + parser);
    if (dir == null) {
      throw new IllegalStateException("no seed corpus at fuzz/" + parser);
    }
    List<byte[]> seeds = new ArrayList<>();
    try (Stream<Path> files = Files.list(Path.of(dir.toURI()))) {
      for (Path file : files.sorted().toList()) {
        if (file.toString().endsWith(".txt")) {
          for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
              seeds.add(line.getBytes(StandardCharsets.UTF_8));
            }
          }
        } else {
          seeds.add(Files.readAllBytes(file));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    return seeds;
  }
}
