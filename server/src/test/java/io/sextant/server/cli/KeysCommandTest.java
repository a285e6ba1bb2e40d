package io.sextant.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.server.Main;
import io.sextant.server.security.Tokens;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

public class KeysCommandTest {
  @TempDir Path dir;

  /** A command's exit code and what it printed. */
  public record Run(int code, String out, String err) {}

  /** Runs {@code sextant args…} in this JVM. */
  public static Run sextant(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        new CommandLine(new Main())
            .setOut(new PrintWriter(out))
            .setErr(new PrintWriter(err))
            .execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  /** The secret a {@code keys create} printed. */
  public static String secretOf(Run r) {
    Matcher m = Pattern.compile("secret \\(shown once\\): (sxt_\\S+)").matcher(r.out());
    assertThat(m.find()).as(r.out()).isTrue();
    return m.group(1);
  }

  @Test
  void createListRevoke_onAFile_withSecretsNeverListedOrStored() throws Exception {
    String file = dir.resolve("keys").toString();
    Run ci = sextant("keys", "create", "ci-exporter", "--scopes", "ingest", "--file", file);
    assertThat(ci.code()).as(ci.err()).isZero();
    String ciSecret = secretOf(ci);
    Run ops = sextant("keys", "create", "oncall", "--scopes", "read,triage", "-f", file);
    String opsSecret = secretOf(ops);

    Run list = sextant("keys", "list", "--file", file);
    assertThat(list.code()).isZero();
    assertThat(list.out())
        .contains("ci-exporter")
        .contains("oncall")
        .contains("read,triage")
        .doesNotContain(ciSecret)
        .doesNotContain(opsSecret)
        .doesNotContain(Tokens.load(Path.of(file)).find(ciSecret).orElseThrow().sha256());
    assertThat(Files.readString(Path.of(file))).doesNotContain(ciSecret).doesNotContain(opsSecret);

    Run revoke = sextant("keys", "revoke", "ci-exporter", "--file", file);
    assertThat(revoke.code()).as(revoke.err()).isZero();
    assertThat(Tokens.load(Path.of(file)).find(ciSecret)).isEmpty();
    assertThat(Tokens.load(Path.of(file)).find(opsSecret)).isPresent();
    assertThat(sextant("keys", "list", "--file", file).out()).doesNotContain("ci-exporter");

    Run again = sextant("keys", "revoke", "ci-exporter", "--file", file);
    assertThat(again.code()).isEqualTo(2);
    assertThat(again.err()).contains("no key named ci-exporter");
    Run dup = sextant("keys", "create", "oncall", "--scopes", "read", "--file", file);
    assertThat(dup.code()).isEqualTo(2);
    assertThat(dup.err()).contains("already in");
    Run badScope = sextant("keys", "create", "x", "--scopes", "write", "--file", file);
    assertThat(badScope.err()).contains("unknown scope \"write\"");
  }

  @Test
  void tokenCreate_isStillThere_andWithoutAFilePrintsTheLine() {
    Run r = sextant("token", "create", "ci", "--scopes", "ingest");
    assertThat(r.code()).as(r.err()).isZero();
    String secret = secretOf(r);
    assertThat(r.out())
        .contains("ci ingest sha256:" + io.sextant.server.security.ApiToken.hash(secret));
    Run list = sextant("keys", "list");
    if (System.getenv("SEXTANT_AUTH_TOKENS") == null) {
      assertThat(list.code()).isEqualTo(2);
      assertThat(list.err()).contains("--file");
    }
  }
}
