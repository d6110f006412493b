package dev.scorestream.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When a bearer token file is read again: the cases a proxy test cannot make on demand. */
class BearerTokenFileTest {

  @TempDir Path dir;

  /** Rewrites the file keeping its size and modification time, as a fast rotation can. */
  static void rewriteUnnoticed(Path file, String token) throws IOException {
    FileTime modified = Files.getLastModifiedTime(file);
    Files.writeString(file, token);
    Files.setLastModifiedTime(file, modified);
  }

  @Test
  void shouldReadAgainWhenTheFileChangesAndOnlyThen() throws Exception {
    Path file = Files.writeString(dir.resolve("token"), "aaa\n");
    BearerTokenFile token = new BearerTokenFile(file, Duration.ofHours(1));
    assertThat(token.token()).isEqualTo("aaa");

    rewriteUnnoticed(file, "bbb\n");
    assertThat(token.token()).as("same size and time: the cached token").isEqualTo("aaa");

    Files.writeString(file, "cccc\n");
    assertThat(token.token()).isEqualTo("cccc");
  }

  @Test
  void shouldReadAgainAfterARefusalOrOnceTheTokenIsOlderThanMaxAge() throws Exception {
    Path file = Files.writeString(dir.resolve("token"), "aaa");
    BearerTokenFile refused = new BearerTokenFile(file, Duration.ofHours(1));
    refused.token();
    rewriteUnnoticed(file, "bbb");
    refused.forget();
    assertThat(refused.token()).isEqualTo("bbb");

    BearerTokenFile aged = new BearerTokenFile(file, Duration.ZERO);
    aged.token();
    rewriteUnnoticed(file, "ccc");
    assertThat(aged.token()).as("never cached forever").isEqualTo("ccc");
  }

  @Test
  void shouldNameTheFileButNeverTheTokenWhenItCannotBeUsed() throws Exception {
    Path file = Files.writeString(dir.resolve("token"), "two words");
    BearerTokenFile token = new BearerTokenFile(file, Duration.ofHours(1));
    assertThatThrownBy(token::token)
        .isInstanceOf(IOException.class)
        .hasMessageContaining(file.toString())
        .hasMessageNotContaining("words");

    Files.writeString(file, "  \n");
    assertThatThrownBy(token::token).hasMessageContaining("is empty");
    Files.delete(file);
    assertThatThrownBy(token::token).isInstanceOf(IOException.class);
  }
}
