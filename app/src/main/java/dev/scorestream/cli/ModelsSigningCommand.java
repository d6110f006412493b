package dev.scorestream.cli;

import dev.scorestream.model.ArtifactManifest;
import dev.scorestream.model.ArtifactSignature;
import dev.scorestream.model.InvalidModelException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Signing model artifacts ({@code manifest.sig}, Ed25519 over the manifest digest): {@code scorer
 * models keygen} makes a key pair, {@code scorer models sign} signs artifacts before they are
 * published, {@code scorer models verify} checks them as a scorer with {@code
 * model.signature.public.key.file} would.
 */
final class ModelsSigningCommand {

  /** Name of the private key file {@code keygen} writes. */
  static final String PRIVATE_KEY = "artifact-signing.key.pem";

  /** Name of the public key file {@code keygen} writes. */
  static final String PUBLIC_KEY = "artifact-signing.pub.pem";

  private ModelsSigningCommand() {}

  /** {@code scorer models keygen --out DIR}. */
  @Command(
      name = "keygen",
      mixinStandardHelpOptions = true,
      description =
          "Make an Ed25519 key pair for signing model artifacts: DIR/"
              + PRIVATE_KEY
              + " (PKCS#8 PEM, readable by its owner only; keep it in the CI's or the retraining"
              + " controller's secrets) and DIR/"
              + PUBLIC_KEY
              + " (for model.signature.public.key.file). Same format as openssl genpkey"
              + " -algorithm ed25519.")
  static final class Keygen implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where to write.")
    Path out;

    @Override
    public Integer call() throws IOException {
      Files.createDirectories(out);
      Path privateFile = out.resolve(PRIVATE_KEY);
      Path publicFile = out.resolve(PUBLIC_KEY);
      for (Path file : List.of(privateFile, publicFile)) {
        if (Files.exists(file)) {
          throw new CommandLine.ParameterException(
              spec.commandLine(), file + " exists already; keygen never overwrites a key");
        }
      }
      KeyPair pair = ArtifactSignature.generate();
      try {
        Files.createFile(
            privateFile,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } catch (UnsupportedOperationException e) {
        Files.createFile(privateFile);
      } catch (FileAlreadyExistsException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), privateFile + " exists");
      }
      Files.writeString(privateFile, ArtifactSignature.pem(pair.getPrivate()));
      Files.writeString(publicFile, ArtifactSignature.pem(pair.getPublic()));
      PrintWriter printer = spec.commandLine().getOut();
      printer.println("private key: " + privateFile);
      printer.println("public key:  " + publicFile);
      return 0;
    }
  }

  /** {@code scorer models sign --key FILE DIR...}. */
  @Command(
      name = "sign",
      mixinStandardHelpOptions = true,
      description =
          "Sign model artifacts: check each one's files against its manifest.json, then write"
              + " manifest.sig beside it. Sign before publishing into a models directory.")
  static final class Sign implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--key",
        required = true,
        paramLabel = "FILE",
        description = "Ed25519 private key, PKCS#8 PEM (scorer models keygen, openssl genpkey).")
    Path key;

    @Parameters(arity = "1..*", paramLabel = "DIR", description = "Artifact directories.")
    List<Path> artifacts;

    @Override
    public Integer call() {
      PrivateKey privateKey;
      try {
        privateKey = ArtifactSignature.readPrivateKey(key);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--key: " + e.getMessage());
      }
      return each(
          spec,
          artifacts,
          "signed",
          artifact -> {
            try {
              return ArtifactSignature.sign(artifact, privateKey);
            } catch (IOException e) {
              throw new UncheckedIOException("cannot sign " + artifact, e);
            }
          });
    }
  }

  /** {@code scorer models verify --public-key FILE DIR...}. */
  @Command(
      name = "verify",
      mixinStandardHelpOptions = true,
      description =
          "Check model artifacts' signatures and files as a scorer with"
              + " model.signature.public.key.file does; exit 1 when one fails.")
  static final class Verify implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--public-key",
        required = true,
        paramLabel = "FILE",
        description = "PEM file of the trusted Ed25519 public key(s).")
    Path publicKey;

    @Parameters(arity = "1..*", paramLabel = "DIR", description = "Artifact directories.")
    List<Path> artifacts;

    @Override
    public Integer call() {
      List<PublicKey> trusted;
      try {
        trusted = ArtifactSignature.readPublicKeys(publicKey);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "--public-key: " + e.getMessage());
      }
      return each(spec, artifacts, "OK", artifact -> ArtifactSignature.verify(artifact, trusted));
    }
  }

  /**
   * Applies {@code action} to every artifact, printing {@code done} and its digest for each that
   * passes and the problem of each that does not.
   *
   * @return 0 when every one passed, else 1
   */
  private static int each(
      CommandSpec spec,
      List<Path> artifacts,
      String done,
      Function<Path, ArtifactManifest> action) {
    int code = 0;
    for (Path artifact : artifacts) {
      try {
        ArtifactManifest manifest = action.apply(artifact);
        spec.commandLine()
            .getOut()
            .println(done + " " + artifact + " (digest " + manifest.digest() + ")");
      } catch (InvalidModelException | UncheckedIOException e) {
        spec.commandLine().getErr().println("REFUSED " + e.getMessage());
        code = 1;
      }
    }
    return code;
  }
}
