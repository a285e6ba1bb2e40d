package io.sextant.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyFileTest {
  @TempDir Path dir;

  private static final Instant T0 = Instant.parse("2026-12-06T10:00:00Z");

  @Test
  void add_makesAnOwnerOnlyFile_withTheHashAndWhenMade() throws Exception {
    Path file = dir.resolve("keys");
    String secret = ApiToken.newSecret();
    KeyFile.add(file, new ApiToken("ci", Set.of(Scope.INGEST), ApiToken.hash(secret)), T0);
    assertThat(Files.readString(file)).doesNotContain(secret).contains(ApiToken.hash(secret));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    List<KeyFile.Entry> keys = KeyFile.read(file);
    assertThat(keys).hasSize(1);
    assertThat(keys.get(0).key().name()).isEqualTo("ci");
    assertThat(keys.get(0).created()).isEqualTo(T0);
    assertThat(Tokens.load(file).find(secret)).isPresent();
  }

  @Test
  void revoke_turnsTheLineIntoAComment_andTheKeyNoLongerLoads() throws Exception {
    Path file = dir.resolve("keys");
    String a = ApiToken.newSecret();
    String b = ApiToken.newSecret();
    KeyFile.add(file, new ApiToken("a", Set.of(Scope.READ), ApiToken.hash(a)), T0);
    KeyFile.add(file, new ApiToken("b", Set.of(Scope.ADMIN), ApiToken.hash(b)), T0);
    ApiToken revoked = KeyFile.revoke(file, "a", T0.plusSeconds(60));
    assertThat(revoked.name()).isEqualTo("a");
    assertThat(Files.readString(file)).contains("# revoked 2026-12-06T10:01:00Z: a read sha256:");
    assertThat(KeyFile.read(file)).extracting(e -> e.key().name()).containsExactly("b");
    Tokens t = Tokens.load(file);
    assertThat(t.find(a)).isEmpty();
    assertThat(t.find(b)).isPresent();
    assertThatThrownBy(() -> KeyFile.revoke(file, "a", T0)).hasMessageContaining("no key named a");
    KeyFile.revoke(file, "b", T0);
    assertThat(Tokens.load(file).enabled()).isTrue();
    assertThat(Tokens.load(file).all()).isEmpty();
  }

  @Test
  void aSecondKeyOfOneName_isRefused_andTheFileIsUnchanged() throws Exception {
    Path file = dir.resolve("keys");
    KeyFile.add(file, new ApiToken("ci", Set.of(Scope.INGEST), ApiToken.hash("x")), T0);
    String before = Files.readString(file);
    assertThatThrownBy(
            () -> KeyFile.add(file, new ApiToken("ci", Set.of(Scope.READ), ApiToken.hash("y")), T0))
        .hasMessageContaining("already in");
    assertThat(Files.readString(file)).isEqualTo(before);
  }

  @Test
  void yamlFiles_areListedButNotEdited() throws Exception {
    Path file = dir.resolve("keys.yaml");
    Files.writeString(
        file,
        "tokens:\n  - {name: root, scopes: [admin], sha256: \"sha256:"
            + ApiToken.hash("s")
            + "\"}\n");
    assertThat(KeyFile.read(file)).extracting(e -> e.key().name()).containsExactly("root");
    assertThatThrownBy(
            () -> KeyFile.add(file, new ApiToken("ci", Set.of(Scope.READ), ApiToken.hash("y")), T0))
        .hasMessageContaining("YAML");
  }

  @Test
  void aBrokenFile_isNeverRewritten() throws Exception {
    Path file = dir.resolve("keys");
    Files.writeString(file, "ci ingest sxt_a-secret-pasted-by-mistake\n");
    assertThatThrownBy(
            () -> KeyFile.add(file, new ApiToken("x", Set.of(Scope.READ), ApiToken.hash("y")), T0))
        .hasMessageContaining("line 1");
    assertThat(Files.readString(file)).isEqualTo("ci ingest sxt_a-secret-pasted-by-mistake\n");
  }

  @Test
  void keyring_readsTheFileAgain_andKeepsTheLastGoodKeysWhenItBreaks() throws Exception {
    Path file = dir.resolve("keys");
    String a = ApiToken.newSecret();
    String b = ApiToken.newSecret();
    KeyFile.add(file, new ApiToken("a", Set.of(Scope.READ), ApiToken.hash(a)), T0);
    try (Keyring ring =
        Keyring.watching(file)
            .with(new ApiToken("self", Set.of(Scope.INGEST), ApiToken.hash("s")))) {
      assertThat(ring.get().find(a)).isPresent();
      assertThat(ring.refresh()).as("unchanged").isFalse();
      KeyFile.add(file, new ApiToken("b", Set.of(Scope.READ), ApiToken.hash(b)), T0);
      KeyFile.revoke(file, "a", T0);
      assertThat(ring.refresh()).isTrue();
      assertThat(ring.get().find(a)).isEmpty();
      assertThat(ring.get().find(b)).isPresent();
      assertThat(ring.get().find("s")).as("the extra key survives reloads").isPresent();
      Files.writeString(file, "half an edit\n");
      assertThat(ring.refresh()).isFalse();
      assertThat(ring.get().find(b)).isPresent();
      Files.delete(file);
      assertThat(ring.refresh()).isFalse();
      assertThat(ring.get().find(b)).isPresent();
    }
  }
}
